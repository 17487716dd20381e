app_name = "gdpr"
urlpatterns: list = []
