"""The 数据管理 page in Chromium, on the demo store: its tabs and the batches the demo loaded."""

from __future__ import annotations

import pytest

from tracker.core import store
from tracker.queries import provenance

pytestmark = pytest.mark.browser


def test_data_management_lists_the_demo_batches(demo_server, visit, demo_store):
    newest = provenance.batches(store.StoreReader(demo_store[0]).cursor()).iloc[0]
    visit.page.goto(demo_server + "/data")
    visit.settle()
    assert visit.heading() == "数据管理"
    assert visit.page.get_by_role("tab").all_inner_texts() == ["上传与发布", "导入批次", "填报模板"]
    visit.page.get_by_role("tab", name="导入批次").click()
    visit.page.locator('[data-testid="stDataFrame"]').first.wait_for(state="visible", timeout=30_000)
    # the batch picker opens on the newest batch (a combobox: its value is the input's, not text)
    picker = visit.page.get_by_label("查看批次")
    picker.wait_for(timeout=30_000)
    assert picker.input_value() == f"{newest['batch_id']} · {newest['source_name']}"
    assert visit.page.get_by_text("该批次有 0 处未导入。").is_visible()  # the demo loads without a rejection
    visit.screenshot("data-management-batches")
