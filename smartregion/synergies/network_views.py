"""/netzwerk/: the page (filters, drawing, table of the strongest links) and its JSON data."""

from django import forms
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control

from smartregion.organizations.models import Organization
from smartregion.regions.models import Region

from . import network


class NetworkFilter(forms.Form):
    thema = forms.ChoiceField(label=gettext_lazy("Thema"), required=False)
    kommune = forms.ChoiceField(label=gettext_lazy("Kommune"), required=False)

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        topics = region.topics.order_by("name") if region else []
        places = region.municipalities.order_by("name") if region else []
        self.fields["thema"].choices = [("", gettext_lazy("alle Themen"))] + [
            (t.slug, t.label) for t in topics
        ]
        self.fields["kommune"].choices = [("", gettext_lazy("alle Kommunen"))] + [
            (m.ags, m.name) for m in places
        ]

    def values(self) -> dict:
        if not self.is_valid():
            return {"topic": "", "municipality": ""}
        return {"topic": self.cleaned_data["thema"], "municipality": self.cleaned_data["kommune"]}


def _graph(request):
    form = NetworkFilter(request.GET or None, region=Region.objects.home())
    return form, network.cached_build(**form.values())


def network_page(request):
    form, graph = _graph(request)
    legend = [
        {"kind": value, "label": label}
        for value, label in Organization.Kind.choices
        if any(n["kind"] == value for n in graph.nodes)
    ]
    return render(
        request,
        "synergies/network.html",
        {
            "form": form,
            "graph": graph,
            "rows": graph.strongest(),
            "legend": legend,
            "query": request.GET.urlencode(),
        },
    )


@cache_control(max_age=60, public=True)
def network_data(request):
    _form, graph = _graph(request)
    return JsonResponse(graph.as_json(), json_dumps_params={"ensure_ascii": False})
