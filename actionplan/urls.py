from actionplan.plan_urls import urlpatterns as plan_urlpatterns

app_name = "actionplan"

urlpatterns = []

urlpatterns += plan_urlpatterns
