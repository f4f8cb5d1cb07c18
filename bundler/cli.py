"""The ``bundler`` command: a Flask CLI group (``bundler db upgrade``, ``bundler run``, ``bundler shell``)
with the product's own commands."""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from .extensions import db
from .permissions import TOKEN_ROLES, Role
from .queues import WORKER_KINDS


def _create_app(*_args: object) -> Flask:
    from . import create_app

    return create_app()


def _real_app() -> Flask:
    """The application object behind ``current_app`` (processes started from a command keep it)."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    return app


main = FlaskGroup(
    name="bundler",
    create_app=_create_app,
    add_default_commands=True,
    help="一件事一次办 集成办理服务。",
)


class _Commands(click.Group):
    """The product's own commands. A database that is not set up yet gets a clear message, not a traceback."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        _guard(cmd)
        super().add_command(cmd, name)


def _guard(cmd: click.Command) -> None:
    if isinstance(cmd, click.Group):
        for sub in cmd.commands.values():
            _guard(sub)
        return
    callback = cmd.callback
    if callback is None or getattr(callback, "_guarded", False):
        return

    @functools.wraps(callback)
    def guarded(*args: object, **kwargs: object) -> object:
        from sqlalchemy.exc import OperationalError, ProgrammingError

        try:
            return callback(*args, **kwargs)
        except (OperationalError, ProgrammingError) as exc:
            raise click.ClickException(
                f"数据库尚未建立或需要升级，请先运行 bundler db upgrade（{type(exc.orig).__name__}）"
            ) from exc

    guarded._guarded = True  # type: ignore[attr-defined]
    cmd.callback = guarded


@click.group("bundler-commands", cls=_Commands)
def commands() -> None:
    """The product's own commands, added to ``app.cli`` by the app factory."""


@commands.command("import")
@with_appcontext
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def import_command(files: tuple[str, ...]) -> None:
    """导入事项目录与一件事定义文件（YAML，格式见 bundle-format.md）。"""
    from .services.catalogue_import import import_catalogue

    result = import_catalogue(db.session, files)
    db.session.commit()
    for doc in result.documents:
        for warning in doc.warnings:
            click.echo(f"提示：{warning}", err=True)
        if doc.ok:
            click.echo(f"已导入：{doc.path}")
        else:
            click.echo(
                f"拒绝导入：{doc.path}（共 {len(doc.problems)} 个问题，本文件未导入任何内容）", err=True
            )
            for problem in doc.problems:
                click.echo(f"  - {problem}", err=True)
    click.echo(_describe_counts(result.counts))
    if result.to_follow:
        click.echo("基本目录已调整，以下实施清单事项须随之调整：", err=True)
        for told in result.to_follow:
            click.echo(f"  - {told}", err=True)
    if not result.ok:
        sys.exit(1)


def _describe_counts(counts: dict[str, int]) -> str:
    labels = {
        "catalogue_created": "新增基本目录", "catalogue_updated": "调整基本目录", "catalogue_unchanged": "基本目录未变",
        "departments_created": "新增部门", "departments_updated": "更新部门", "departments_unchanged": "部门未变",
        "items_created": "新增事项", "items_new_version": "事项新版本", "items_unchanged": "事项未变",
        "bundles_created": "新增一件事", "bundles_new_version": "一件事新版本", "bundles_unchanged": "一件事未变",
    }  # fmt: skip
    parts = [f"{label} {counts[key]}" for key, label in labels.items() if counts.get(key)]
    return "；".join(parts) if parts else "没有可导入的内容"


@commands.command("export")
@with_appcontext
@click.option("--bundle", "bundle_code", help="只导出这个一件事及其用到的事项和部门")
def export_command(bundle_code: str | None) -> None:
    """以 YAML 导出事项目录与一件事定义。"""
    from .catalogue.exporter import dump_yaml, export_catalogue
    from .catalogue.queries import NotFound

    try:
        data = export_catalogue(db.session, bundle_code)
    except NotFound as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(dump_yaml(data), nl=False)


@commands.command("serve")
@with_appcontext
@click.option("--port", type=int, envvar="PORT", default=5000, show_default=True, help="网页服务端口")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--web-workers", type=int, default=2, show_default=True, help="网页服务进程数")
@click.option(
    "--reference-system/--no-reference-system",
    default=True,
    show_default=True,
    help="为接收地址是示例占位地址的部门启动本机参考业务系统",
)
def serve_command(port: int, host: str, web_workers: int, reference_system: bool) -> None:
    """单机一体化运行：迁移数据库、启动内嵌 Redis、任务进程与网页服务（Ctrl-C 全部停止）。"""
    from .serve import serve

    sys.exit(
        serve(_real_app(), host=host, port=port, web_workers=web_workers, reference_system=reference_system)
    )


@commands.command("worker")
@with_appcontext
@click.argument("queues", nargs=-1)
@click.option(
    "--kind",
    type=click.Choice(WORKER_KINDS),
    default=None,
    help="local：本系统待办、文书与后台任务；remote：推送到部门业务系统；不填为全部",
)
@click.option("--burst", is_flag=True, help="处理完队列中的任务后退出")
def worker_command(queues: tuple[str, ...], kind: str | None, burst: bool) -> None:
    """运行任务进程（rq），处理全部、某一类或指定的队列。"""
    from .worker import run_worker

    run_worker(_real_app(), list(queues), kind=kind, burst=burst)


@commands.command("load-sample")
@with_appcontext
def load_sample_command() -> None:
    """导入项目自带的示例事项目录（汉台区示例数据）。"""
    from .services.sample import import_sample

    result = import_sample(db.session)
    db.session.commit()
    click.echo(_describe_counts(result.counts))
    if not result.ok:
        for problem in result.problems:
            click.echo(f"  - {problem}", err=True)
        sys.exit(1)


def _print_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False))


answer_option = click.option(
    "--answer",
    "answers",
    multiple=True,
    metavar="问题编号=答案",
    help="情形问题的答案，可重复，如 sells_alcohol=true",
)


def _scenario_errors() -> tuple[type[Exception], ...]:
    from graphs import AnswerError, BundleError

    from .catalogue.queries import NotFound
    from .services.bundles import ScenarioInputError

    return (AnswerError, BundleError, NotFound, ScenarioInputError)


@commands.command("plan")
@with_appcontext
@click.argument("bundle_code")
@answer_option
@click.option("--json", "as_json", is_flag=True, help="以合同格式输出 JSON")
@click.option(
    "--svg", "svg_path", type=click.Path(dir_okay=False, writable=True), help="把依赖图写成 SVG 文件"
)
def plan_command(bundle_code: str, answers: tuple[str, ...], as_json: bool, svg_path: str | None) -> None:
    """一件事的并行阶段、关键路径与办结时限。"""
    import graphs

    from .services.bundles import answers_from_pairs, department_names, plan_bundle

    try:
        planned, definition = plan_bundle(db.session, bundle_code, answers_from_pairs(answers))
    except _scenario_errors() as exc:
        raise click.ClickException(str(exc)) from exc
    if svg_path:
        svg = graphs.render_svg(
            planned,
            definition.items,
            departments=department_names(definition),
            title=definition.bundle["name"],
        )
        Path(svg_path).write_text(svg, encoding="utf-8")
    if as_json:
        _print_json(planned.to_json())
        return
    names = {code: item["name"] for code, item in definition.items.items()}
    click.echo(f"{definition.bundle['name']}（{bundle_code}，第 {planned.version} 版）")
    for number, stage in enumerate(planned.stages, 1):
        click.echo(f"  第 {number} 阶段（并联）：" + "、".join(names[c] for c in stage))
    click.echo("  关键路径：" + " → ".join(names[c] for c in planned.critical_path))
    click.echo(
        f"  承诺时限 {planned.promised_days} 个工作日（逐项办理合计 {planned.sum_promised_days}）；"
        f"法定时限 {planned.statutory_days} 个工作日（逐项合计 {planned.sum_statutory_days}）"
    )


def register_commands(app: Flask) -> None:
    for command in commands.commands.values():
        app.cli.add_command(command)


@commands.command("merge")
@with_appcontext
@click.argument("bundle_code")
@answer_option
@click.option(
    "--persons",
    "persons",
    multiple=True,
    metavar="角色=人数",
    help="可重复角色的人数（统计 asked_fields 用），可重复，如 新生儿=2；不填为每个角色 1 人",
)
@click.option("--json", "as_json", is_flag=True, help="以合同格式输出 JSON")
def merge_command(
    bundle_code: str, answers: tuple[str, ...], persons: tuple[str, ...], as_json: bool
) -> None:
    """一件事合并后的申请表字段、冲突与一套材料（多表合一、一套材料）。"""
    from .services.bundles import answers_from_pairs, merge_bundle, persons_from_pairs

    try:
        merged, definition = merge_bundle(
            db.session, bundle_code, answers_from_pairs(answers), persons_from_pairs(persons)
        )
    except _scenario_errors() as exc:
        raise click.ClickException(str(exc)) from exc
    data = merged.to_json()
    if as_json:
        _print_json(data)
        return
    stats = data["stats"]
    click.echo(f"{definition.bundle['name']}（{bundle_code}）")
    click.echo(
        f"  表单字段：各部门合计 {stats['component_fields']} 项 → 合并后 {stats['merged_fields']} 项，"
        f"需申请人填写 {stats['asked_fields']} 项"
    )
    click.echo(
        f"  申请材料：各部门合计 {stats['component_materials']} 份 → 合并后 {stats['merged_materials']} 份，"
        f"需申请人提交 {stats['asked_materials']} 份"
    )
    for conflict in data["conflicts"]:
        click.echo(f"  冲突：{conflict['key']}（{conflict['kind']}）涉及 {'、'.join(conflict['items'])}")


@click.group("token")
def token_group() -> None:
    """API 令牌。"""


@token_group.command("create")
@with_appcontext
@click.option(
    "--role", type=click.Choice([role.value for role in TOKEN_ROLES]), required=True, help="令牌角色"
)
@click.option("--department", "department_code", help="部门编码（部门令牌必填）")
@click.option("--label", help="备注，如业务系统名称")
def token_create_command(role: str, department_code: str | None, label: str | None) -> None:
    """创建 API 令牌并打印（只显示这一次）。"""
    from .services.accounts import AccountError, create_token

    try:
        token = create_token(db.session, role, department_code, label)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(token)


@click.group("user")
def user_group() -> None:
    """账号管理。"""


@user_group.command("create")
@with_appcontext
@click.option("--login", required=True, help="登录名（申请人为手机号码）")
@click.option("--role", type=click.Choice([role.value for role in Role]), required=True)
@click.option("--name", help="姓名")
@click.option("--department", "department_code", help="所属部门编码")
@click.password_option("--password", prompt="密码", confirmation_prompt="再次输入密码")
def user_create_command(
    login: str, role: str, name: str | None, department_code: str | None, password: str
) -> None:
    """创建账号。"""
    from .services.accounts import AccountError, create_user

    try:
        create_user(
            db.session, login=login, password=password, role=role, name=name, department_code=department_code
        )
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"已创建账号：{login}")


@commands.command("reference-system")
@with_appcontext
@click.option("--port", type=int, default=5001, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--department", "codes", multiple=True, help="代表哪些部门（默认：全部签名推送的部门）")
def reference_system_command(port: int, host: str, codes: tuple[str, ...]) -> None:
    """参考业务系统：接收推送、校验签名，并通过接口以示例结果办结事项（供对接参考与试用；bundler serve 为示例部门自动启动）。"""
    from sqlalchemy import select
    from werkzeug.serving import make_server

    from .models import Department
    from .reference_system import Credentials, create_receiver
    from .services.reference_departments import credentials

    wanted = list(codes) or list(
        db.session.scalars(select(Department.code).where(Department.channel == "webhook"))
    )
    found = credentials(db.session, wanted)
    db.session.commit()
    missing = sorted(set(wanted) - set(found))
    if missing:
        raise click.ClickException("部门不存在：" + "、".join(missing))
    receiver = create_receiver({code: Credentials(*pair) for code, pair in found.items()})
    click.echo(
        f"参考业务系统已启动：http://{host}:{port}/reference/<部门编码>，代表 {'、'.join(sorted(found))}"
    )
    make_server(host, port, receiver, threaded=True).serve_forever()


@click.group("demo")
def demo_group() -> None:
    """试用：示例账号。"""


@demo_group.command("accounts")
@with_appcontext
@click.option("--password", help="所有试用账号的密码（默认随机生成并显示一次）")
def demo_accounts_command(password: str | None) -> None:
    """为每个角色和部门创建试用账号（登录名以 demo- 开头）并显示登录名和密码；再次运行会重设这些账号的密码。仅用于试用。"""
    from .services.accounts import AccountError
    from .services.demo_accounts import ensure_demo_accounts, new_password

    chosen = password or new_password()
    try:
        accounts = ensure_demo_accounts(db.session, chosen)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"试用账号（密码均为 {chosen}；仅用于试用，正式环境请删除或改用 bundler user create）：")
    for account in accounts:
        click.echo(f"  {account.login:24} {account.role_label:8} {account.department}")


commands.add_command(demo_group)


@click.group("catalogue")
def catalogue_group() -> None:
    """事项目录：质量报告。"""


@catalogue_group.command("report")
@with_appcontext
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
def catalogue_report_command(as_json: bool) -> None:
    """每个事项的要素完备度、承诺时限压缩一半、到现场次数、即办件/承诺件与距上次申请的月数，并按部门和全区汇总（含办事指南抽检）。"""
    from .services.catalogue_report import report

    figures = report(db.session)
    if as_json:
        _print_json(figures)
        return
    district = figures["district"]
    click.echo(
        f"全区事项 {district['items']} 项：要素完备度 {district['completeness']:.0%}；"
        f"承诺时限压缩一半以上 {district['meets_half_rule']}/{district['half_rule_judged']}；"
        f"最多跑一次 {district['at_most_one_visit']}/{district['visits_given']}；即办件 {district['immediate']}；"
        f"一年以上无申请 {district['dormant']}"
    )
    checks = district["guide_checks"]
    if checks["drawn"]:
        accuracy = f"{checks['accuracy']:.0%}" if checks["accuracy"] is not None else "—"
        click.echo(
            f"办事指南抽检 {checks['drawn']} 个：已核对 {checks['checked']}，准确率 {accuracy}；"
            f"有问题 {checks['found']}，已整改 {checks['corrected']}，逾期 {checks['overdue']}"
        )
    for d in figures["departments"]:
        click.echo(
            f"  {d['code']}：{d['items']} 项，完备度 {d['completeness']:.0%}，一年以上无申请 {d['dormant']}"
        )


@catalogue_group.command("rules")
@with_appcontext
@click.option(
    "--set", "changes", multiple=True, metavar="规则=工作日", help="调整一条时限规则，如 individual=5"
)
def catalogue_rules_command(changes: tuple[str, ...]) -> None:
    """事项调整的时限规则（工作日）：列出，或以 --set 调整（未完成的调整随之重算期限）。"""
    from .services.adjustments import AdjustmentError, rules, set_rule

    try:
        for pair in changes:
            key, sep, days = pair.partition("=")
            if not sep or not days.strip().isdigit():
                raise AdjustmentError(f"“{pair}”应写成 规则=工作日，如 individual=5")
            set_rule(db.session, key.strip(), int(days))
    except AdjustmentError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    for rule in rules(db.session).values():
        click.echo(f"{rule.key}\t{rule.working_days} 个工作日\t{rule.label}（{rule.basis}）")


commands.add_command(token_group)
commands.add_command(user_group)
commands.add_command(catalogue_group)


@click.group("elicence")
def elicence_group() -> None:
    """电子证照（本地证照库）。"""


@elicence_group.command("load")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False))
def elicence_load_command(file: str) -> None:
    """从 YAML 文件载入电子证照（licences: [{holder, kind, title, number, issuer, valid_until, data}]）。"""
    from .services.elicences import ELicenceFileError, LocalELicenceStore, read_licence_file

    try:
        records = read_licence_file(file)
    except ELicenceFileError as exc:
        raise click.ClickException(str(exc)) from exc
    count = LocalELicenceStore(db.session).load(records)
    db.session.commit()
    click.echo(f"已载入电子证照 {count} 条")


commands.add_command(elicence_group)


@click.group("holidays")
def holidays_group() -> None:
    """工作日历：各年法定节假日与调休安排。"""


@holidays_group.command("import")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def holidays_import_command(file: str) -> None:
    """导入并发布一年的安排（YAML：year、holidays、workdays），重新计算跨入该年的未办结期限。"""
    from pathlib import Path

    from .services import work_calendar
    from .services.outbox import hand_out

    try:
        entry = work_calendar.parse_year_file(Path(file).read_text(encoding="utf-8"))
        result = work_calendar.publish_year(
            db.session, entry, source=f"导入文件 {Path(file).name}", actor="命令行 bundler holidays import"
        )
    except UnicodeDecodeError as exc:
        raise click.ClickException("文件须为 UTF-8 编码的 YAML") from exc
    except work_calendar.CalendarProblem as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    for application_id, _old, _new in result.applications_moved:
        hand_out(application_id=application_id, deliveries=False)
    click.echo(f"{result.message}（节假日 {len(entry.holidays)} 天，调休上班日 {len(entry.workdays)} 天）")


@holidays_group.command("seed")
@with_appcontext
def holidays_seed_command() -> None:
    """补入已安装的 chinesecalendar 收录、而工作日历中还没有的年份（已有的年份不变）。"""
    from .services import work_calendar

    added = work_calendar.seed_from_package(db.session, actor="命令行 bundler holidays seed")
    db.session.commit()
    click.echo(f"已补入 {len(added)} 个年份：{added[0]}–{added[-1]}" if added else "没有需要补入的年份")


@holidays_group.command("show")
@with_appcontext
@click.argument("year", type=int)
def holidays_show_command(year: int) -> None:
    """以 JSON 显示一年的安排（与 GET /api/v1/calendar/{year} 相同）。"""
    from .services import work_calendar

    try:
        _print_json(work_calendar.year_view(db.session, year).to_json())
    except work_calendar.CalendarProblem as exc:
        raise click.ClickException(str(exc)) from exc


commands.add_command(holidays_group)


@click.group("keys")
def keys_group() -> None:
    """个人信息加密密钥。"""


@keys_group.command("generate")
def keys_generate_command() -> None:
    """生成一个新的数据加密密钥（放在 DATA_KEYS 的最前面即开始使用）。"""
    from .privacy import generate_data_key

    click.echo(generate_data_key())


@keys_group.command("rotate")
@with_appcontext
@click.option(
    "--batch-size", type=click.IntRange(1, 10000), default=200, show_default=True, help="每批的行数"
)
def keys_rotate_command(batch_size: int) -> None:
    """用 DATA_KEYS 的第一个密钥重新加密全部个人信息，并用 LOOKUP_KEY 的第一个密钥重新计算检索散列；
    服务运行期间即可执行（分批、逐行加锁，不会覆盖同时发生的修改）。完成后旧密钥可以移除。"""
    from .privacy import KeyConfigError
    from .services.key_rotation import rotate_keys

    try:
        report = rotate_keys(db.session, batch_size)
    except KeyConfigError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    for line in report.lines():
        click.echo(line)


commands.add_command(keys_group)


@commands.command("dispatch")
@with_appcontext
@click.option("--interval", type=float, default=1.0, show_default=True, help="两次检查之间的秒数")
@click.option("--once", is_flag=True, help="只检查一次")
def dispatch_command(interval: float, once: bool) -> None:
    """把待分发的事项交给各部门队列，并重新分发超时未送达的（数据库为准，Redis 中断后自动补发）。"""
    from .services.outbox import dispatch, run_dispatcher

    if once:
        click.echo(f"已分发 {dispatch()} 项")
        return
    run_dispatcher(interval)


@click.group("department")
def department_group() -> None:
    """部门。"""


@department_group.command("secret")
@with_appcontext
@click.argument("code")
@click.option("--new", "renew", is_flag=True, help="生成新的密钥（旧密钥立即失效）")
def department_secret_command(code: str, renew: bool) -> None:
    """显示（或更换）部门业务系统接收推送时校验签名用的密钥（HMAC-SHA256）。"""
    import secrets as token_source

    from sqlalchemy import select

    from .models import Department

    department = db.session.scalar(select(Department).where(Department.code == code))
    if department is None:
        raise click.ClickException(f"部门“{code}”不存在")
    if renew or not department.webhook_secret:
        department.webhook_secret = token_source.token_hex(32)
        db.session.commit()
    click.echo(department.webhook_secret)


@department_group.command("check")
@with_appcontext
def department_check_command() -> None:
    """检查每个部门的接收方式配置（接收地址、签名密钥、选项）；有问题时以非零状态退出。"""
    from sqlalchemy import select

    from .channels import CHANNELS
    from .models import Department
    from .services.delivery import destination_of

    failing = 0
    for department in db.session.scalars(select(Department).order_by(Department.code)):
        channel = CHANNELS.cls(department.channel)
        problems = (
            channel.check_config(destination_of(department))
            if channel is not None
            else [f"接收方式“{department.channel}”未登记，可用：{'、'.join(CHANNELS.names())}"]
        )
        label = channel.label if channel is not None else department.channel
        click.echo(f"{department.code} {department.name}（{label}）：{'；'.join(problems) or '正常'}")
        failing += bool(problems)
    if failing:
        raise click.ClickException(f"{failing} 个部门的接收方式需要处理")


commands.add_command(department_group)


@click.group("ratings")
def ratings_group() -> None:
    """好差评：导出评价数据。"""


@ratings_group.command("export")
@with_appcontext
@click.option("--from", "first", type=click.DateTime(["%Y-%m-%d"]), help="开始日期（含），默认近 12 个月")
@click.option("--to", "last", type=click.DateTime(["%Y-%m-%d"]), help="结束日期（含），默认今天")
@click.option("--format", "kind", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option(
    "--output", type=click.File("w", encoding="utf-8"), default="-", help="写入的文件，默认标准输出"
)
def ratings_export_command(first: Any, last: Any, kind: str, output: Any) -> None:
    """期间内的全部评价（含差评核实、整改、回访），列与 GET /api/v1/ratings/export 相同，供省级好差评系统导入。"""
    from .services import outcomes, rating_export

    try:
        start, end = outcomes.period(first.date() if first else None, last.date() if last else None)
    except outcomes.PeriodError as exc:
        raise click.UsageError(str(exc)) from exc
    records = rating_export.rows(db.session, start, end)
    if kind == "json":
        output.write(json.dumps({"ratings": list(records)}, ensure_ascii=False, indent=2) + "\n")
        return
    for line in rating_export.csv_lines(records):
        output.write(line)


commands.add_command(ratings_group)


@click.group("report")
def report_group() -> None:
    """改革成效：由实际申请统计的数字。"""


@report_group.command("refresh")
@with_appcontext
@click.option("--from", "first", type=click.DateTime(["%Y-%m"]), help="从哪个受理月份起（默认近 13 个月）")
@click.option("--to", "last", type=click.DateTime(["%Y-%m"]), help="到哪个受理月份（默认本月）")
def report_refresh_command(first: Any, last: Any) -> None:
    """重新统计各一件事各受理月份的成效数字（任务进程每 OUTCOME_REFRESH_SECONDS 秒自动统计近 13 个月）。"""
    from . import clock
    from .services import outcome_counts

    if first is None and last is None:
        months = outcome_counts.recent_months()
    else:
        end = last.date() if last else clock.today()
        months = outcome_counts.month_starts(first.date() if first else end, end)
    written = outcome_counts.refresh(db.session, months)
    db.session.commit()
    click.echo(f"已统计 {len(months)} 个月，{written} 个一件事月份")


commands.add_command(report_group)
