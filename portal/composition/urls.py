from django.urls import path

from portal.composition import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
]
