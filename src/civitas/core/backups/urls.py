app_name = "backups"
urlpatterns: list = []
