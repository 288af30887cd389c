from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .forms import SignInForm

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "signin/",
        auth_views.LoginView.as_view(
            template_name="web/signin.html",
            authentication_form=SignInForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("signout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", views.set_language, name="set_language"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("upload/", views.upload, name="upload_new"),
    path("new/", views.new_from_area, name="new_from_area"),
    path("uploads/<uuid:pk>/", views.upload_detail, name="upload"),
    path("uploads/<uuid:pk>/workbook/", views.upload_file, name="upload_file"),
    path("uploads/<uuid:pk>/xlsx/", views.upload_xlsx, name="upload_xlsx"),
    path("versions/<int:pk>/", views.version_detail, name="version"),
    path("versions/<int:pk>/build/", views.version_build, name="build"),
    path("versions/<int:pk>/progress/", views.version_progress, name="progress"),
    path("versions/<int:pk>/files/<str:name>", views.document, name="document"),
    path("versions/<int:pk>/parties/<str:party>.zip", views.party_zip, name="party_zip"),
    path("versions/<int:pk>/tracker/", views.tracker_view, name="tracker"),
    path("versions/<int:pk>/finalize/", views.finalize, name="finalize"),
    path("versions/<int:pk>/sent/", views.mark_sent, name="mark_sent"),
    path("versions/<int:pk>/compare/", views.compare, name="compare"),
    path("agreements/<str:key>/parties/<str:party>/", views.party_page, name="party"),
    path("decisions/<int:pk>/signed.pdf", views.signed_pdf, name="signed_pdf"),
    path("healthz", views.healthz, name="healthz"),
    path("api/validate", views.api_validate, name="api_validate"),
]

handler403 = "agreement_builder.web.views.forbidden"
handler404 = "agreement_builder.web.views.not_found"
