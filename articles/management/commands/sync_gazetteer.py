"""python manage.py sync_gazetteer [--dry-run] — add new districts and places from the shipped data file."""

from django.core.management.base import BaseCommand
from django.db import transaction

from articles.importing.gazetteer import read_gazetteer, sync_gazetteer
from articles.models import District, Place


class Command(BaseCommand):
    help = "把 articles/data/gazetteer.json 里新增的区县和地名加入数据库(不删除编辑添加的地名)。"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count what would be added, write nothing")

    def handle(self, *args, dry_run=False, **options):
        data = read_gazetteer()
        if dry_run:
            districts = {d["name"] for d in data["districts"]} - set(District.objects.values_list("name", flat=True))
            places = {p["name"] for p in data.get("places", [])} - set(Place.objects.values_list("name", flat=True))
            self.stdout.write(f"would add {len(districts)} districts and {len(places)} places")
            return
        with transaction.atomic():
            counts = sync_gazetteer(District, Place, data)
        self.stdout.write(f"added {counts['districts_created']} districts and {counts['places_created']} places")
