"""Choice lists shared by models, forms, admin and export. Codes match articles.parsing.types."""

from django.db import models


class Role(models.TextChoices):
    REPORTER = "reporter", "记者"
    CORRESPONDENT = "correspondent", "通讯员"
    WRITER = "writer", "作者"
    PHOTOGRAPHER = "photographer", "摄影"
    COMPILER = "compiler", "整理"
    EDITOR = "editor", "编辑"


class StaffRole(models.TextChoices):
    EDITOR = "editor", "责任编辑"
    ART_EDITOR = "art_editor", "美术编辑"
    PROOFREADER = "proofreader", "校对"


class ReviewReason(models.TextChoices):
    GARBLED = "garbled", "文字错乱(分栏交错)"
    MISSING_HEADLINE = "missing_headline", "缺少标题"
    UNCERTAIN_BYLINE = "uncertain_byline", "署名存疑"
    INFERRED_DATE = "inferred_date", "日期为推断"
    UNCERTAIN_DISTRICT = "uncertain_district", "区县存疑"
    MASTHEAD_CONFLICT = "masthead_conflict", "报头日期自相矛盾"


class SetBy(models.TextChoices):
    IMPORTER = "importer", "导入程序"
    EDITOR = "editor", "编辑"


class DistrictKind(models.TextChoices):
    URBAN_DISTRICT = "urban_district", "市辖区"
    COUNTY_CITY = "county_city", "县级市"
    COUNTY = "county", "县"
    FUNCTIONAL_ZONE = "functional_zone", "功能区"
    CITYWIDE = "citywide", "全市"


class PlaceKind(models.TextChoices):
    TOWN = "town", "镇"
    TOWNSHIP = "township", "乡"
    STREET = "street", "街道"
    PARK = "park", "园区/公园"
    LANDMARK = "landmark", "地标"
    INSTITUTION = "institution", "机构"
    AREA = "area", "片区"


class ImportStatus(models.TextChoices):
    PENDING = "pending", "待导入"
    IMPORTED = "imported", "已导入"
    FAILED = "failed", "失败"
    DUPLICATE = "duplicate", "重复文件"
