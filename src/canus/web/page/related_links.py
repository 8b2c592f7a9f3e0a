"""Related links of each section: official pages of both governments, in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    label: str  # English; French from the catalogue
    en: str
    fr: str

    def url(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en


_GAC = Link(
    "Canada–United States relations (Global Affairs Canada)",
    "https://www.international.gc.ca/country-pays/us-eu/relations.aspx?lang=eng",
    "https://www.international.gc.ca/country-pays/us-eu/relations.aspx?lang=fra",
)

RELATED: dict[str, list[Link]] = {
    "overview": [_GAC],
    "diplomacy": [
        _GAC,
        Link(
            "Embassy and consulates of Canada in the United States",
            "https://www.international.gc.ca/country-pays/us-eu/index.aspx?lang=eng",
            "https://www.international.gc.ca/country-pays/us-eu/index.aspx?lang=fra",
        ),
        Link("U.S. Embassy and consulates in Canada", "https://ca.usembassy.gov/", "https://ca.usembassy.gov/fr/"),
    ],
    "border": [
        Link(
            "Border Crossing Entry Data (Bureau of Transportation Statistics)",
            "https://data.bts.gov/Research-and-Statistics/Border-Crossing-Entry-Data/keg4-3bc2",
            "https://data.bts.gov/Research-and-Statistics/Border-Crossing-Entry-Data/keg4-3bc2",
        ),
        Link(
            "Travel to Canada (Canada Border Services Agency)",
            "https://www.cbsa-asfc.gc.ca/travel-voyage/menu-eng.html",
            "https://www.cbsa-asfc.gc.ca/travel-voyage/menu-fra.html",
        ),
    ],
    "security": [
        Link(
            "The Canada–United States defence relationship (National Defence)",
            "https://www.canada.ca/en/department-national-defence/corporate/reports-publications/"
            "canada-us-defence-relationship.html",
            "https://www.canada.ca/fr/ministere-defense-nationale/organisation/rapports-"
            "publications/relations-defense-canada-etats-unis.html",
        ),
        Link("NORAD", "https://www.norad.mil/", "https://www.norad.mil/"),
    ],
    "trade": [
        Link(
            "Canadian international merchandise trade (Statistics Canada)",
            "https://www150.statcan.gc.ca/t1/tbl1/en/tv.action?pid=1210017301",
            "https://www150.statcan.gc.ca/t1/tbl1/fr/tv.action?pid=1210017301",
        ),
        Link(
            "Canada–United States–Mexico Agreement (CUSMA)",
            "https://www.international.gc.ca/trade-commerce/trade-agreements-accords-commerciaux/"
            "agr-acc/cusma-aceum/index.aspx?lang=eng",
            "https://www.international.gc.ca/trade-commerce/trade-agreements-accords-commerciaux/"
            "agr-acc/cusma-aceum/index.aspx?lang=fra",
        ),
    ],
    "environment": [
        Link("International Joint Commission", "https://www.ijc.org/en", "https://www.ijc.org/fr"),
        Link(
            "Canada–United States Air Quality Agreement",
            "https://www.canada.ca/en/environment-climate-change/services/air-pollution/issues/"
            "transboundary/canada-united-states-air-quality-agreement-overview.html",
            "https://www.canada.ca/fr/environnement-changement-climatique/services/pollution-"
            "atmospherique/enjeux/transfrontaliere/apercu-accord-canada-etats-unis-qualite-air.html",
        ),
    ],
    "energy": [
        Link(
            "Electricity exports and imports (Canada Energy Regulator)",
            "https://www.cer-rec.gc.ca/en/data-analysis/energy-commodities/electricity/statistics/",
            "https://www.cer-rec.gc.ca/fr/donnees-analyse/produits-base-energetiques/electricite/statistiques/",
        ),
    ],
    "societies": [
        Link("Canadian Human Rights Commission", "https://www.chrc-ccdp.gc.ca/en", "https://www.chrc-ccdp.gc.ca/fr"),
    ],
    "partnerships": [
        Link(
            "Canada and the multilateral system (Global Affairs Canada)",
            "https://www.international.gc.ca/world-monde/international_relations-relations_"
            "internationales/multilateral-multilateraux/index.aspx?lang=eng",
            "https://www.international.gc.ca/world-monde/international_relations-relations_"
            "internationales/multilateral-multilateraux/index.aspx?lang=fra",
        ),
    ],
}

#: Sections that read together, linked inside the portal.
NEIGHBOURS: dict[str, list[str]] = {
    "overview": ["border", "trade", "energy"],
    "diplomacy": ["partnerships", "security"],
    "border": ["trade", "societies"],
    "security": ["partnerships", "diplomacy"],
    "trade": ["energy", "border"],
    "environment": ["energy", "partnerships"],
    "energy": ["trade", "environment"],
    "societies": ["border", "diplomacy"],
    "partnerships": ["security", "diplomacy"],
}
