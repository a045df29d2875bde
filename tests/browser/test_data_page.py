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


def test_a_clerks_return_is_checked_before_it_is_published(demo_server, visit, demo_store, tmp_path):
    """The steps docs/returns.md shows a county clerk, with its pictures: the form, then a return checked (nothing
    written) with its one bad cell named by row, column and reason."""
    villages = [code for (code,) in store.StoreReader(demo_store[0]).cursor().execute(
        "select code from region where county_code = '361127' and level = 'village' and kind = 'village_committee' "
        "order by code limit 4").fetchall()]
    sent = tmp_path / "余干县2025年报表.csv"
    sent.write_text("区划代码,年份,自来水普及率\n" + "".join(
        f"{code},2025,{'九十' if i == 2 else 95.5 + i}\n" for i, code in enumerate(villages)), encoding="utf-8")
    before = demo_store[0].read_bytes()
    visit.page.goto(demo_server + "/data?province=36&city=3611&county=361127")
    visit.settle()
    visit.page.get_by_role("tab", name="填报模板").click()
    visit.page.get_by_text("下载填报模板（Excel）").wait_for(timeout=30_000)
    visit.screenshot("returns-template", full_page=False)
    visit.page.get_by_role("tab", name="上传与发布").click()
    # the hint above the box quotes what Streamlit's English control shows
    instructions = visit.page.locator('[data-testid="stFileUploaderDropzoneInstructions"]').inner_text()
    assert "50MB per file • CSV, TXT, XLSX, XLS" in instructions.replace("\n", " ")
    assert visit.page.get_by_text("“50MB per file • CSV, TXT, XLSX, XLS”").is_visible()
    assert visit.page.locator('[data-testid="stFileUploaderDropzone"]').get_by_text("Upload", exact=True).count() >= 1
    visit.page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(sent))
    visit.page.get_by_role("button", name="检查（不发布）").click()
    visit.page.get_by_text("检查完成，尚未发布").wait_for(timeout=60_000)
    visit.settle()
    metrics = {m.locator('[data-testid="stMetricLabel"]').inner_text().strip():
               m.locator('[data-testid="stMetricValue"]').inner_text().strip()
               for m in visit.page.locator('[data-testid="stMetric"]').all()}
    assert metrics["拒收数值"] == "1", metrics  # 九十 is not a number; the three others would load
    grid = visit.page.locator('[data-testid="stDataFrame"]').first
    grid.wait_for(state="visible", timeout=30_000)
    visit.screenshot("returns-check")
    assert demo_store[0].read_bytes() == before  # a check writes nothing
