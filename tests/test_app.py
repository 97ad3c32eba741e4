"""The app as a user's program sees it: every API endpoint through gradio_client, and no outbound traffic."""

from __future__ import annotations

import json

import httpx

from demos import home

# Every named endpoint the app exposes; a new one fails test_every_endpoint_is_tested until tested here.
TESTED = {"/weights_status"}


def test_every_endpoint_is_tested(client):
    api = client.view_api(print_info=False, return_format="dict")
    assert set(api["named_endpoints"]) == TESTED


def test_home_weights_status(client):
    result = client.predict(api_name="/weights_status")
    assert result["headers"] == home.COLUMNS
    names = [row[0] for row in result["data"]]
    expected = [row[0] for row in home.weights_status()]
    assert names == expected


def test_page_serves_all_tabs_in_both_languages(app_server):
    config = httpx.get(app_server.url + "/config", timeout=10).json()
    labels = [c["props"].get("label") for c in config["components"] if c["type"] == "tabitem"]
    keys = [json.loads(lbl.removeprefix("__i18n__"))["key"] for lbl in labels]
    assert keys == ["tab_home", "tab_resnet", "tab_transformer", "tab_gan", "tab_bert"], labels
    page = httpx.get(app_server.url + "/", timeout=10).text
    for word in ("Paper Gallery", "论文画廊", "首页", "即将推出", "coming soon"):
        assert word in page, word


def test_no_outbound_request_on_start_and_page_load(app_server):
    for path in ("/", "/config", "/gradio_api/info"):
        assert httpx.get(app_server.url + path, timeout=10).status_code == 200
    assert app_server.outbound() == []


def test_the_outbound_logger_sees_connections(tmp_path):
    """Control for the test above: the logger that watches the app does record a connection."""
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    log = tmp_path / "net.txt"
    env = dict(os.environ, PYTHONPATH=str(ROOT / "tests" / "netlog"), NETLOG_FILE=str(log))
    code = "import socket; s = socket.socket(); s.settimeout(0.5); s.connect_ex(('127.0.0.2', 9))"
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=30)
    assert log.read_text().split("\n")[0] == "connect 127.0.0.2 9"
