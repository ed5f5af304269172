from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from partners.login import AdminLoginForm, LoginForm

# Under /api/, Django's own errors are problem details too (api/views/problems.py).
handler400 = "api.views.problems.bad_request"
handler500 = "api.views.problems.server_error"

admin.site.site_header = "CTG – administration"
admin.site.site_title = "CTG – administration"
admin.site.index_title = "Référentiels et conventions"
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("", include("conventions.urls")),
    path("", include("actionplan.urls")),
    path("", include("partners.urls")),
    # Before Django's own, same address: the password and, when turned on, the second factor.
    path("compte/login/", auth_views.LoginView.as_view(form_class=LoginForm), name="login"),
    path("compte/", include("partners.account_urls")),
    path("compte/jetons-api/", include("api.account_urls")),
    path("compte/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
]
