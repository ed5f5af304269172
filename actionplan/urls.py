from actionplan.followup_urls import urlpatterns as followup_urlpatterns
from actionplan.plan_urls import urlpatterns as plan_urlpatterns

app_name = "actionplan"

urlpatterns = []

urlpatterns += plan_urlpatterns
urlpatterns += followup_urlpatterns
