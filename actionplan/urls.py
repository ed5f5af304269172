app_name = "actionplan"

urlpatterns = []
