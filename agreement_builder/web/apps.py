from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "agreement_builder.web"
    label = "web"
    verbose_name = "agreement-builder"
    default_auto_field = "django.db.models.BigAutoField"
