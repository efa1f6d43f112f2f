from django.urls import path

from portal.composition import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    # Browsers and crawlers still ask for /favicon.ico where a page names no icon (the API's
    # JSON, files): the site's one icon answers rather than a 404.
    path("favicon.ico", views.favicon, name="favicon"),
]
