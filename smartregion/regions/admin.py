from django.contrib import admin

from .models import Audience, Municipality, Region, Topic


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "loaded_at"]
    readonly_fields = ["loaded_at", "source"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "ags", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "ags"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "parent", "position"]
    list_filter = ["parent"]


@admin.register(Audience)
class AudienceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
