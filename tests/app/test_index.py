"""The first page: published bundles with their items, departments and promised time."""

from __future__ import annotations

import factories as f


def test_empty_catalogue_says_how_to_fill_it(client):
    page = client.get("/").get_data(as_text=True)
    assert "目前还没有发布的一件事" in page
    assert 'lang="zh-CN"' in page


def test_index_lists_bundles_with_items_departments_and_time(client, runner, write_yaml):
    catalogue = f.small_catalogue()
    catalogue["items"][0]["promised_days"] = 4  # SCJG-001, then SCJG-002 (5) or XF-001 (10)
    runner.invoke(args=["import", str(write_yaml(catalogue))])
    page = client.get("/").get_data(as_text=True)
    assert "测试一件事KFD" in page
    assert "测试事项SCJG-001" in page and "测试事项XF-001" in page
    assert "测试部门SCJG" in page and "测试部门XF" in page
    # every step included: 4 + max(5, 10) = 14 along the critical path, 19 one after another
    assert "<strong>14</strong> 个工作日" in page
    assert "<s>19</s>" in page
    assert "按情形" in page  # XF-001 only applies to big venues


def test_unknown_page_is_a_chinese_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "您访问的页面不存在" in response.get_data(as_text=True)


def test_api_errors_are_json(client):
    response = client.get("/api/v1/nothing")
    assert response.status_code == 404
    assert response.get_json()["error"] == "您访问的页面不存在。"


def test_bundles_can_be_found_by_words_and_by_life_event(client, sample):
    everything = client.get("/").get_data(as_text=True)
    assert "查找一件事" in everything and "个人：" in everything and "企业：" in everything
    by_word = client.get("/?q=上户口").get_data(as_text=True)
    assert "bundle-XSECS" in by_word and "开饭店（餐饮店开办）" not in by_word
    by_item = client.get("/?q=食品经营许可").get_data(as_text=True)  # an item inside the bundle
    assert "开饭店（餐饮店开办）" in by_item and "bundle-TX" not in by_item
    by_stage = client.get("/?audience=企业&event=开办经营").get_data(as_text=True)
    assert "bundle-QYKB" in by_stage and "bundle-KBLD" in by_stage and "bundle-XSECS" not in by_stage
    nothing = client.get("/?q=造火箭").get_data(as_text=True)
    assert "没有找到“造火箭”相关的一件事" in nothing
