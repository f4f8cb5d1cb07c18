"""forms/ is a pure library: no Flask, Flask-WTF, bundler or database imports."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

FORMS = Path(__file__).resolve().parents[2] / "forms"
FORBIDDEN = {"flask", "flask_wtf", "bundler", "sqlalchemy", "flask_sqlalchemy", "psycopg", "redis", "rq"}


def test_no_forbidden_imports_in_source():
    for path in FORMS.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"


def test_importing_forms_loads_nothing_forbidden():
    code = (
        f"import sys, forms; bad = sorted({{m.split('.')[0] for m in sys.modules}} & {FORBIDDEN!r}); "
        "print(','.join(bad)); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=FORMS.parent, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_flask_wtf_base_works(kfd, kfd_resolutions):
    flask = pytest.importorskip("flask")
    flask_wtf = pytest.importorskip("flask_wtf")
    from werkzeug.datastructures import MultiDict

    from forms import build_form, field_name, merge

    bundle, items = kfd
    schema = merge(bundle, items, {}, kfd_resolutions)
    app = flask.Flask(__name__)
    app.config.update(SECRET_KEY="test", WTF_CSRF_ENABLED=False)
    cls = build_form(schema, base=flask_wtf.FlaskForm)
    assert issubclass(cls, flask_wtf.FlaskForm)
    with app.test_request_context(method="POST", data={field_name("经营者.姓名"): "张三"}):
        form = cls()
        assert form.data[field_name("经营者.姓名")] == "张三"
        assert not form.validate()
        assert form.errors[field_name("经营者.公民身份号码")] == ["经营者身份证号：必填"]
    with app.test_request_context():
        assert cls(formdata=MultiDict())[field_name("经营者.姓名")].label.text == "经营者姓名"
