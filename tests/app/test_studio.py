"""The bundle studio and catalogue changes, through the pages: draft, check, review, publish, history."""

from __future__ import annotations

import re

import yaml
from sqlalchemy import select

from bundler.catalogue.queries import bundle_definition, latest_bundle_versions, latest_item_versions
from bundler.extensions import db
from bundler.models import CatalogueChange, ItemVersion

from factories import PASSWORD
from testapp import answered


def _login(client, login):
    response = client.post("/login", data={"login": login, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)


def _logout(client):
    client.post("/logout")


def _change_id(response) -> int:
    match = re.search(r"/studio/changes/(\d+)", response.headers["Location"])
    assert match, response.headers.get("Location")
    return int(match.group(1))


def _edit(client, change_id, **form):
    response = client.post(f"/studio/changes/{change_id}/edit", data=form)
    assert response.status_code == 302
    return client.get(f"/studio/changes/{change_id}").get_data(as_text=True)


def _item_form(content) -> dict[str, str]:
    """What the item editor posts for ``content`` (booleans as ticked boxes)."""
    data = {
        k: "" if content.get(k) is None else str(content[k])
        for k in ("name", "type", "legal_days", "promised_days")
    }
    for key in (
        "basis",
        "conditions",
        "service_object",
        "fees",
        "result",
        "place",
        "hours",
        "phone",
        "complaint_phone",
        "catalogue_code",
        "implementation_code",
        "exercise_content",
        "fee_basis",
        "online_url",
        "kind",
    ):
        data[key] = content.get(key) or ""
    data["visits"] = "" if content.get("visits") is None else str(content["visits"])
    data["channels"] = "，".join(content.get("channels") or [])
    data["process_steps"] = "，".join(content.get("process") or [])
    for i, fld in enumerate(content.get("fields", [])):
        for key in ("name", "label", "role", "element", "type", "group", "produced_by", "max_length"):
            data[f"fields-{i}-{key}"] = "" if fld.get(key) is None else str(fld[key])
        data[f"fields-{i}-options"] = "，".join(fld.get("options") or [])
        if fld.get("required"):
            data[f"fields-{i}-required"] = "y"
    for i, mat in enumerate(content.get("materials", [])):
        for key in ("name", "kind", "role", "produced_by", "sample"):
            data[f"materials-{i}-{key}"] = mat.get(key) or ""
        for key in ("required", "e_licence", "deferrable"):
            if mat.get(key):
                data[f"materials-{i}-{key}"] = "y"
    if content.get("rongque") is False:
        data["no_rongque"] = "y"
    commitment = content.get("commitment") or {}
    data["commitment_replaces"] = "，".join(commitment.get("replaces") or [])
    data["commitment_verify_days"] = str(commitment.get("verify_days", ""))
    if content.get("days_unit"):
        data["days_unit"] = content["days_unit"]
    return data


def _edit_item(client, change_id, form) -> str:
    assert client.post(f"/studio/changes/{change_id}/item", data=form).status_code == 302
    return client.get(f"/studio/changes/{change_id}").get_data(as_text=True)


def _flash_errors(page: str) -> list[str]:
    return re.findall(r'class="flash flash-error"[^>]*>([^<]+)<', page)


def test_a_lead_department_builds_a_bundle_and_a_reviewer_publishes_it(
    client, sample, make_user, runner, write_yaml
):
    make_user("lead", login="wj-lead", department="WJ", name="卫健牵头")
    make_user("reviewer", login="reviewer", name="审核人")
    _login(client, "wj-lead")
    created = client.post("/studio/bundles/new", data={"code": "CSRH", "name": "出生入户"})
    change_id = _change_id(created)
    page = _edit(client, change_id, op="add_step", item="WJ-001")
    page = _edit(client, change_id, op="add_step", item="GA-001")
    assert "新生儿.性别" in page and "字段冲突未解决" in page  # the options differ: a conflict, not a guess
    assert "字段无人填写" in page  # GA-001 needs the certificate number WJ-001 produces, but runs in parallel

    refused = client.post(
        f"/studio/changes/{change_id}/submit", data={"reason": "试点", "legal_basis": "国办发〔2022〕32号"}
    )
    assert refused.status_code == 302
    page = client.get(f"/studio/changes/{change_id}").get_data(as_text=True)
    assert any("还有问题未解决" in e for e in _flash_errors(page))

    page = _edit(client, change_id, op="dependencies", **{"deps_GA-001": "WJ-001"})
    assert "字段无人填写" not in page
    page = _edit(
        client,
        change_id,
        op="resolve",
        key="新生儿.性别",
        options="男,女",
        note="户口登记只接受男、女",
        items=["GA-001", "WJ-001"],
    )
    assert "字段冲突未解决" not in page and "户口登记只接受男、女" in page
    assert 'data-level="error"' not in page

    submitted = client.post(
        f"/studio/changes/{change_id}/submit",
        data={"reason": "出生与入户一次办", "legal_basis": "国办发〔2022〕32号"},
    )
    assert submitted.status_code == 302
    assert (
        client.post(f"/studio/changes/{change_id}/publish").status_code == 403
    )  # lead departments do not publish
    _logout(client)

    _login(client, "reviewer")
    queue = client.get("/review").get_data(as_text=True)
    assert f"#{change_id}" in queue and "出生入户" in queue
    client.post(f"/studio/changes/{change_id}/publish", data={"note": "同意"})
    change = db.session.get(CatalogueChange, change_id)
    assert change.status == "published" and change.published_version == 1
    _logout(client)

    definition = bundle_definition(db.session, "CSRH")
    steps = {s["item"]: s["depends_on"] for s in definition.bundle["steps"]}
    assert steps == {"WJ-001": [], "GA-001": ["WJ-001"]}
    assert definition.bundle["resolutions"]["新生儿.性别"]["options"] == ["男", "女"]
    assert "出生入户" in client.get("/").get_data(as_text=True)  # applicants see it
    assert client.get("/bundles/CSRH").status_code == 200
    report = client.get("/bundles/CSRH/report").get_data(as_text=True)
    assert "跑动次数" in report and "改革成效" in report

    exported = runner.invoke(args=["export", "--bundle", "CSRH"])  # the contract format, unchanged
    assert exported.exit_code == 0 and "resolutions:" in exported.output
    again = runner.invoke(args=["import", str(write_yaml(yaml.safe_load(exported.output)))])
    assert again.exit_code == 0, again.output
    assert latest_bundle_versions(db.session, ["CSRH"])["CSRH"].version == 1  # same content: no new version


def test_the_live_preview_redraws_the_graph_without_saving(client, sample, make_user):
    make_user("lead", login="wj-lead", department="WJ")
    _login(client, "wj-lead")
    change_id = _change_id(client.post("/studio/bundles/new", data={"code": "CSRH", "name": "出生入户"}))
    _edit(client, change_id, op="add_step", item="WJ-001")
    _edit(client, change_id, op="add_step", item="GA-001")
    parallel = client.post(f"/studio/changes/{change_id}/preview", data={}).get_json()
    serial = client.post(f"/studio/changes/{change_id}/preview", data={"deps_GA-001": "WJ-001"}).get_json()
    items = latest_item_versions(db.session, ["WJ-001", "GA-001"])
    days = {code: v.promised_days for code, v in items.items()}
    assert parallel["promised_days"] == max(days.values())
    assert serial["promised_days"] == sum(days.values())
    assert "<svg" in serial["svg"] and serial["svg"] != parallel["svg"]
    assert db.session.get(CatalogueChange, change_id).content["steps"][1]["depends_on"] == []  # nothing saved


def test_departments_edit_only_their_own_and_only_reviewers_publish(client, sample, make_user):
    make_user("lead", login="wj-lead", department="WJ")
    make_user("department", login="sw-officer", department="SW")
    _login(client, "wj-lead")
    foreign = client.post("/studio/bundle/KFD/change")  # KFD is led by another department
    assert foreign.status_code == 302 and "/studio/changes/" not in foreign.headers["Location"]
    own = _change_id(client.post("/studio/item/WJ-001/change"))
    _logout(client)

    _login(client, "sw-officer")
    assert client.get(f"/studio/changes/{own}").status_code == 404  # another department's draft
    assert client.post(f"/studio/changes/{own}/edit", data={"op": "info", "name": "x"}).status_code == 404
    assert client.post("/studio/bundles/new", data={"code": "X", "name": "X"}).status_code == 403
    assert client.post(f"/studio/changes/{own}/item", data={"name": "x"}).status_code == 404
    refused = client.post("/studio/item/WJ-002/cancel")
    assert refused.headers["Location"].endswith("/studio")
    assert "只能修改本部门的事项" in client.get("/studio").get_data(as_text=True)
    sw_change = _change_id(client.post("/studio/item/SW-001/change"))
    assert client.post(f"/studio/changes/{sw_change}/publish").status_code == 403


def _publish_item_change(client, code, edit, reason="规范事项名称"):
    """As the item's department: draft ``edit(content)`` in the item editor and submit it."""
    change_id = _change_id(client.post(f"/studio/item/{code}/change"))
    content = edit(dict(db.session.get(CatalogueChange, change_id).content))
    saved = client.post(f"/studio/changes/{change_id}/item", data=_item_form(content))
    assert saved.status_code == 302, saved.get_data(as_text=True)
    client.post(
        f"/studio/changes/{change_id}/submit",
        data={"reason": reason, "legal_basis": "《行政许可法》第四十二条"},
    )
    return change_id


def test_history_shows_who_changed_what_and_an_earlier_version_can_be_published_again(
    client, sample, make_user
):
    make_user("department", login="wj-officer", department="WJ", name="卫健经办")
    make_user("reviewer", login="reviewer", name="审核人")
    original = latest_item_versions(db.session, ["WJ-001"])["WJ-001"]
    _login(client, "wj-officer")
    change_id = _publish_item_change(client, "WJ-001", lambda c: {**c, "name": c["name"] + "（试行）"})
    _logout(client)
    _login(client, "reviewer")
    published = client.post(f"/studio/changes/{change_id}/publish")
    assert _flash_errors(client.get(published.headers["Location"]).get_data(as_text=True)) == []
    current = latest_item_versions(db.session, ["WJ-001"])["WJ-001"]
    assert current.version == original.version + 1 and current.name == original.name + "（试行）"

    page = client.get("/catalogue/item/WJ-001/history").get_data(as_text=True)
    assert "规范事项名称" in page and "《行政许可法》第四十二条" in page and "卫健经办" in page
    assert f"-name: {original.name}" in page and f"+name: {original.name}（试行）" in page
    _logout(client)

    _login(client, "wj-officer")
    restore = client.post(f"/studio/item/WJ-001/restore/{original.version}")
    restore_id = _change_id(restore)
    client.post(
        f"/studio/changes/{restore_id}/submit", data={"reason": "恢复原时限", "legal_basis": "原依据"}
    )
    _logout(client)
    _login(client, "reviewer")
    client.post(f"/studio/changes/{restore_id}/publish")
    restored = latest_item_versions(db.session, ["WJ-001"])["WJ-001"]
    assert restored.version == original.version + 2
    assert restored.content_hash == original.content_hash and restored.name == original.name
    versions = db.session.scalars(
        select(ItemVersion.version).where(ItemVersion.item_id == original.item_id)
    ).all()
    assert sorted(versions) == [
        original.version,
        original.version + 1,
        original.version + 2,
    ]  # nothing rewritten


def test_a_cancelled_item_leaves_the_catalogue_and_flags_its_bundles(client, sample, make_user):
    make_user("department", login="wj-officer", department="WJ")
    make_user("reviewer", login="reviewer")
    _login(client, "wj-officer")
    change_id = _change_id(client.post("/studio/item/WJ-002/cancel"))
    page = client.get(f"/studio/changes/{change_id}").get_data(as_text=True)
    assert "XSECS" in page  # the bundles that use it are shown before publication
    client.post(f"/studio/changes/{change_id}/submit", data={"reason": "并入其他事项", "legal_basis": ""})
    _logout(client)
    _login(client, "reviewer")
    client.post(f"/studio/changes/{change_id}/publish")
    assert "WJ-002" not in latest_item_versions(db.session)
    studio_page = client.get("/studio").get_data(as_text=True)
    flagged = studio_page.split('id="flagged"', 1)[1].split("</section>", 1)[0]
    assert "需要复核的一件事" in flagged
    assert "<strong>XSECS</strong>：事项 WJ-002 已变更" in flagged
    assert "KFD" not in flagged  # bundles that do not use the item are not flagged
    assert "XSECS" in latest_bundle_versions(db.session)  # the bundle itself is the lead department's call


def test_a_suggested_element_is_confirmed_through_a_change_of_the_item(client, sample, make_user):
    make_user("lead", login="cg-lead", department="CG")
    make_user("reviewer", login="reviewer")
    _login(client, "cg-lead")
    change_id = _change_id(client.post("/studio/bundles/new", data={"code": "ZP", "name": "设置招牌"}))
    _edit(client, change_id, op="add_step", item="SCJG-001")
    page = _edit(client, change_id, op="add_step", item="CG-001")
    item, field = re.search(r'data-confirm="(CG-001)\.([^"]+)"', page).groups()
    role, element = re.search(
        r'name="role" value="([^"]*)" aria-label="[^"]*"[^>]*>\s*<input name="element" value="([^"]*)"', page
    ).groups()
    assert role and element  # the dictionary's suggestion, offered for confirmation, not applied
    confirmed = client.post(
        f"/studio/changes/{change_id}/confirm",
        data={"item": item, "field": field, "role": role, "element": element},
    )
    assert confirmed.status_code == 302
    item_change = db.session.scalar(select(CatalogueChange).where(CatalogueChange.code == "CG-001"))
    assert item_change.status == "draft"
    assert next(f for f in item_change.content["fields"] if f["name"] == field)["role"] == role
    still = client.get(f"/studio/changes/{change_id}").get_data(as_text=True)
    assert f'data-confirm="CG-001.{field}"' in still  # nothing merges on a draft

    client.post(
        f"/studio/changes/{item_change.id}/submit",
        data={"reason": "补充数据元", "legal_basis": "政务服务数据元标准"},
    )
    _logout(client)
    _login(client, "reviewer")
    client.post(f"/studio/changes/{item_change.id}/publish")
    _logout(client)
    _login(client, "cg-lead")
    after = client.get(f"/studio/changes/{change_id}").get_data(as_text=True)
    assert f'data-confirm="CG-001.{field}"' not in after

    foreign = client.post(
        f"/studio/changes/{change_id}/confirm",
        data={"item": "SCJG-001", "field": "x", "role": "申请人", "element": "姓名"},
    )
    assert foreign.status_code == 302
    assert "请联系该实施部门确认" in client.get(f"/studio/changes/{change_id}").get_data(as_text=True)


def test_cancelling_a_bundle_shows_its_open_applications_and_ends_new_ones(client, window_token, make_user):
    import forms
    from bundler.catalogue.queries import bundle_definition as definition_of

    definition = definition_of(db.session, "TX")
    data = forms.example_data(forms.merge(definition.bundle, definition.items, {}), jsonable=True)
    accepted = client.post(
        "/api/v1/applications",
        json={"bundle": "TX", "answers": answered("TX"), "data": data},
        headers={"Authorization": f"Bearer {window_token}"},
    )
    assert accepted.status_code == 201, accepted.get_json()
    lead = definition.bundle["lead_department"]
    make_user("lead", login="tx-lead", department=lead)
    make_user("reviewer", login="reviewer")
    _login(client, "tx-lead")
    change_id = _change_id(client.post("/studio/bundle/TX/cancel"))
    page = client.get(f"/studio/changes/{change_id}").get_data(as_text=True)
    assert re.search(r"data-open-applications>1<", page)  # the one in flight, shown before publication
    client.post(f"/studio/changes/{change_id}/submit", data={"reason": "并入其他一件事", "legal_basis": ""})
    _logout(client)
    _login(client, "reviewer")
    client.post(f"/studio/changes/{change_id}/publish")
    assert client.get("/bundles/TX").status_code == 404
    refused = client.post(
        "/api/v1/applications",
        json={"bundle": "TX", "data": data},
        headers={"Authorization": f"Bearer {window_token}"},
    )
    assert refused.status_code == 422 and "不存在或尚未发布" in refused.get_json()["error"]
    in_flight = client.get(
        f"/api/v1/applications/{accepted.get_json()['id']}",
        headers={"Authorization": f"Bearer {window_token}"},
    )
    assert in_flight.status_code == 200 and in_flight.get_json()["bundle_version"] == 1


def test_the_item_editor_sets_rongque_deferrable_materials_and_gaozhi_chengnuo(client, sample, make_user):
    make_user("department", login="scjg-officer", department="SCJG")
    _login(client, "scjg-officer")
    change_id = _change_id(client.post("/studio/item/SCJG-001/change"))
    stored = dict(db.session.get(CatalogueChange, change_id).content)
    untouched = client.post(f"/studio/changes/{change_id}/item", data=_item_form(stored))
    assert untouched.status_code == 302
    db.session.expire_all()
    assert (
        db.session.get(CatalogueChange, change_id).content == stored
    )  # an unchanged form writes nothing new

    materials = [m["name"] for m in stored["materials"]]
    form = _item_form(stored)
    deferred = next(i for i, m in enumerate(stored["materials"]) if not m.get("deferrable"))
    form[f"materials-{deferred}-deferrable"] = "y"
    form["no_rongque"] = "y"
    form["commitment_replaces"] = f"{materials[0]}，经营场所符合要求"
    form["commitment_verify_days"] = "20"
    assert client.post(f"/studio/changes/{change_id}/item", data=form).status_code == 302
    db.session.expire_all()
    content = db.session.get(CatalogueChange, change_id).content
    assert content["rongque"] is False
    assert content["materials"][deferred]["deferrable"] is True
    assert content["commitment"] == {"replaces": [materials[0], "经营场所符合要求"], "verify_days": 20}
    page = client.get(f"/studio/changes/{change_id}").get_data(as_text=True)
    assert "checked" in re.search(r'<input[^>]*id="no_rongque"[^>]*>', page).group(0)
    assert f'value="{materials[0]}，经营场所符合要求"' in page

    form.pop("no_rongque")
    form["commitment_replaces"] = ""
    assert client.post(f"/studio/changes/{change_id}/item", data=form).status_code == 302
    db.session.expire_all()
    content = db.session.get(CatalogueChange, change_id).content
    assert content["rongque"] is True and "commitment" not in content

    form["commitment_verify_days"] = "-3"
    form["commitment_replaces"] = materials[0]
    refused = client.post(f"/studio/changes/{change_id}/item", data=form)
    assert refused.status_code == 422
    assert "核查时限不能为负数" in refused.get_data(as_text=True)
    assert f'value="{materials[0]}"' in refused.get_data(as_text=True)  # what was typed stays


def test_the_item_editor_keeps_every_standard_element(client, sample, make_user):
    make_user("department", login="scjg-officer", department="SCJG")
    _login(client, "scjg-officer")
    change_id = _change_id(client.post("/studio/item/SCJG-001/change"))
    stored = dict(db.session.get(CatalogueChange, change_id).content)
    form = _item_form(stored)
    form.update(
        {
            "implementation_code": "11610702MB0000000X4000000000001",
            "exercise_content": "个体工商户设立登记",
            "fee_basis": "《市场主体登记管理条例》第二十七条",
            "kind": "即办件",
            "promised_days": "0",
            "visits": "0",
            "channels": "网上，移动端",
            "online_url": "https://zwfw.example.gov.cn/scjg-001",
            "process_steps": "申请，受理，核准，发照",
            "materials-0-sample": "https://zwfw.example.gov.cn/samples/gtsq.pdf",
        }
    )
    assert client.post(f"/studio/changes/{change_id}/item", data=form).status_code == 302
    db.session.expire_all()
    content = db.session.get(CatalogueChange, change_id).content
    assert content["kind"] == "即办件" and content["visits"] == 0
    assert content["channels"] == ["网上", "移动端"]
    assert content["process"] == ["申请", "受理", "核准", "发照"]
    assert content["online_url"] == "https://zwfw.example.gov.cn/scjg-001"
    assert content["implementation_code"] == "11610702MB0000000X4000000000001"
    assert content["materials"][0]["sample"] == "https://zwfw.example.gov.cn/samples/gtsq.pdf"
    assert "sample" not in content["materials"][1]  # an empty sample is not written
    page = client.get(f"/studio/changes/{change_id}").get_data(as_text=True)
    assert 'value="网上，移动端"' in page and 'value="申请，受理，核准，发照"' in page

    form.update({"channels": "", "process_steps": "", "online_url": "", "visits": "", "kind": ""})
    assert client.post(f"/studio/changes/{change_id}/item", data=form).status_code == 302
    db.session.expire_all()
    content = db.session.get(CatalogueChange, change_id).content
    assert not {"channels", "process", "online_url", "visits", "kind"} & set(content)

    refused = client.post(f"/studio/changes/{change_id}/item", data={**form, "visits": "-1"})
    assert refused.status_code == 422 and "到现场次数不能为负数" in refused.get_data(as_text=True)
    assert 'value="-1"' in refused.get_data(as_text=True)  # what was typed stays

    # a draft keeps what the contract would refuse, and says so until it is mended (submission refuses it)
    for key, value, said in (
        ("channels", "窗口，电话", "办理形式（channels）应为以下的列表"),
        ("online_url", "zwfw.example.gov.cn", "网办地址（online_url）应为 http:// 或 https:// 开头的网址"),
    ):
        page = _edit_item(client, change_id, {**form, key: value})
        assert said in page, key
        assert f'value="{value}"' in page
