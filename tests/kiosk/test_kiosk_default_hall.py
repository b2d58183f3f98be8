"""The shipped hall configuration (config/hall.toml: twelve categories, the 13-service 无差别 list) on
the kiosk's home and second level, in every language and mode and both orientations: nothing clipped,
no missing glyph, elder numbers met. The halls listing is what the server would send
(``server.api.views.hall_listing``), so no server process is needed here."""

from __future__ import annotations

import pytest
from kiosk_helpers import elder_problems, rendering_problems

import config
from client.models import HallInfo
from drivers.terminal import Devices
from kiosk.app import Kiosk
from kiosk.catalog import Catalog
from server.api.views import hall_listing


@pytest.fixture(scope="module")
def county() -> Catalog:
    cfg = config.load(config.default_config_path()).hall("county")
    return Catalog.from_hall(HallInfo.of(hall_listing(cfg)))


@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920), (1366, 768)], ids=["landscape", "portrait", "small"])
@pytest.mark.parametrize("mode", ["zh", "en", "elder"])
def test_default_hall_home_and_lists(qtbot, county, size, mode):
    kiosk = Kiosk.create("http://127.0.0.1:9", "unused", Devices(), hall="county")  # never started
    try:
        w = kiosk.window
        w.resize(*size)
        w.show()
        w.on_catalog(county)
        w.on_server_state(True)
        w.set_lang("en" if mode == "en" else "zh")
        w.set_elder(mode == "elder", speak=False)
        assert len(w.home.grid.tiles) == 12
        checks = [rendering_problems] + ([elder_problems] if mode == "elder" else [])
        for check in checks:
            assert check(w) == [], ("home", check.__name__)
        for category in ("general", "realestate"):
            w.on_category(category)
            assert w.current is w.services
            for check in checks:
                assert check(w) == [], (category, check.__name__)
            w.show_screen(w.home)
        assert (w.width(), w.height()) == size
    finally:
        kiosk.close()
