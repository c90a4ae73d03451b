"""python manage.py create_editor USERNAME [--password-stdin] — an account in the `editors` group."""

from __future__ import annotations

import getpass
import sys

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "创建编辑账号(加入 editors 组,可在后台校对内容,不能管理用户)。"
    stealth_options = ("stdin",)  # lets tests and scripts pass a stream instead of sys.stdin

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--password-stdin", action="store_true", help="read the password from the first line of standard input")
        parser.add_argument("--dry-run", action="store_true", help="validate and report, create nothing")

    def handle(self, *args, username, email, password_stdin, dry_run, **options):
        User = get_user_model()
        if not username.strip():
            raise CommandError("用户名不能为空")
        if User.objects.filter(username=username).exists():
            raise CommandError(f"用户 {username} 已存在")
        group = Group.objects.filter(name="editors").first()
        if group is None:
            raise CommandError("editors 组不存在:请先运行 manage.py migrate")
        password = self._read_password(password_stdin, options.get("stdin") or sys.stdin)
        candidate = User(username=username, email=email)
        try:
            password_validation.validate_password(password, candidate)
        except ValidationError as exc:
            raise CommandError("密码不符合要求:" + " ".join(exc.messages)) from None
        if dry_run:
            self.stdout.write(f"would create editor {username}")
            return
        user = User.objects.create_user(username=username, email=email, password=password, is_staff=True)
        user.groups.add(group)
        self.stdout.write(self.style.SUCCESS(f"created editor {username} (group: editors)"))

    def _read_password(self, from_stdin: bool, stream) -> str:
        if from_stdin:
            password = stream.readline().rstrip("\r\n")
        else:
            if not stream.isatty():
                raise CommandError("没有终端可输入密码:请使用 --password-stdin")
            password = getpass.getpass("密码: ")
            if password != getpass.getpass("再次输入密码: "):
                raise CommandError("两次输入的密码不一致")
        if not password:
            raise CommandError("密码不能为空")
        return password
