from django.urls import path, re_path

from ledger import views

app_name = "ledger"

urlpatterns = [
    path("checkpoint", views.checkpoint, name="checkpoint"),
    path("keys", views.keys, name="keys"),
    # C2SP tlog-tiles: tile/<L>/<N>[.p/<W>] and tile/entries/<N>[.p/<W>], parsed strictly by
    # the view (ledger.core.tiles.parse_tile_path) so that a malformed path gets a clear 404.
    re_path(r"^(?P<path>tile/.*)$", views.TileApi.as_view(), name="tile"),
    # The index log (completeness): same formats under its own prefix.
    path("index/checkpoint", views.index_checkpoint, name="index_checkpoint"),
    re_path(r"^index/(?P<path>tile/.*)$", views.IndexTileApi.as_view(), name="index_tile"),
    path("verifier-policy.js", views.verifier_policy, name="verifier_policy"),
]
