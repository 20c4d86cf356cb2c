"""The legend control of the folium maps (the offline HTML export and the previous path).

Kept apart from :mod:`mapping.web.legend` so that the app's persistent map, which
uses only the legend HTML, never imports folium (about 0.4 s at a process's start).
"""

from __future__ import annotations

from branca.element import MacroElement
from folium.template import Template


class Legend(MacroElement):
    """A Leaflet control holding legend HTML that the caller has already escaped.

    Parameters
    ----------
    content
        The legend's inner HTML (escape every piece of data in it first).
    position
        Leaflet control corner.
    css_class
        Class of the legend's ``div`` (tests and stylesheets select on it).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var legend = L.control({position: {{ this.position|tojson }}});
            legend.onAdd = function() {
                var div = L.DomUtil.create('div', {{ this.css_class|tojson }});
                div.innerHTML = {{ this.content|tojson }};
                L.DomEvent.disableClickPropagation(div);
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self, content: str, position: str = "bottomright", css_class: str = "cs-legend"
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "Legend"
        self.content = content
        self.position = position
        self.css_class = css_class
