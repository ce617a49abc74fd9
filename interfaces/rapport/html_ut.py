"""The follow-up report as one self-contained HTML page: tables rendered here, charts drawn as
SVG by a small inline script from the report's figures (embedded as JSON). Nothing is fetched
from the network, so the page works offline and can be saved or mailed as one file."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from typing import Any

from interfaces.rapport.felles import KORT, REGEL, komma, maanedsnavn, prosent
from projections.oppfolging import Oppfolgingsrapport, Tall
from projections.oppfolging.rapport import REGLER


def _f(x: Any) -> float | None:
    return None if x is None else round(float(x), 4)


def _data(r: Oppfolgingsrapport) -> dict[str, Any]:
    def tall(t: Tall) -> dict[str, Any]:
        return {"brukere": t.brukere_betjent, "bestilt": _f(t.bestilt_timer),
                "levert": _f(t.levert_timer), "betalbar": _f(t.betalbare_timer),
                "andel_levert": _f(t.andel_levert), "kont_median": t.kontinuitet_median,
                "kont_p90": t.kontinuitet_p90, "bytter_inn": t.bytter_inn,
                "bytter_ut": t.bytter_ut, "bekymring": t.bekymringsmeldinger,
                "avbestilt": t.avbestillinger,
                "frister": {x: _f(t.frister[x].andel_overholdt) for x in REGLER}}

    return {"maaneder": [maanedsnavn(m) for m in r.maaneder],
            "regler": [REGEL[x] for x in REGLER],
            "leverandorer": [{"id": lr.leverandor_id, "periode": tall(lr.periode),
                              "maaneder": [tall(t) for t in lr.maaneder.values()]}
                             for lr in r.leverandorer]}


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2b36;
background:#f4f6f8}
header{background:#2a4d69;color:#fff;padding:18px 28px}header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;opacity:.85}main{padding:20px 28px;max-width:1400px}
.kort{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:16px}
section{background:#fff;border-radius:8px;padding:16px 18px;margin-bottom:18px;
box-shadow:0 1px 3px rgba(0,0,0,.08)}h2{font-size:17px;margin:0 0 10px}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{padding:5px 8px;
border-bottom:1px solid #e3e7eb;text-align:right}th:first-child,td:first-child{text-align:left}
th{background:#eef2f5;font-weight:600}.diagram svg{width:100%;height:auto;display:block}
.forklaring{font-size:12px;color:#52616b}.legend{font-size:12px}
.god{color:#2e7d32;font-weight:600}.darlig{color:#c62828;font-weight:600}
"""

_JS = r"""
(function(){
"use strict";
const D = JSON.parse(document.getElementById("rapportdata").textContent);
const NS = "http://www.w3.org/2000/svg";
const FARGER = ["#2a7ab0","#e07b39","#3a9d5d","#8e5ea2","#c0392b","#16a085","#7f8c8d","#d4ac0d"];
function el(navn, attr, forelder){const e=document.createElementNS(NS,navn);
  for(const k in attr){e.setAttribute(k,attr[k]);} if(forelder){forelder.appendChild(e);} return e;}
function tekst(s, attr, forelder){const t=el("text",attr,forelder); t.textContent=s; return t;}
function tall(x, pst){ if(x===null||x===undefined){return "–";}
  return pst ? (x*100).toFixed(1).replace(".",",")+" %" : (Math.round(x*10)/10).toString().replace(".",","); }
function ramme(id, maks, pst){
  const B=720,H=300,V=54,T=16,U=46,Hk=140; const svg=el("svg",{viewBox:`0 0 ${B+Hk} ${H}`,
  role:"img","class":"diagram-svg"});
  const mål=document.getElementById(id); mål.appendChild(svg);
  const topp = maks>0 ? maks*1.08 : 1; const y = v => T+(H-T-U)*(1-v/topp);
  for(let i=0;i<=4;i++){const v=topp*i/4; el("line",{x1:V,x2:B,y1:y(v),y2:y(v),stroke:"#e3e7eb"},svg);
    tekst(tall(v,pst),{x:V-6,y:y(v)+4,"text-anchor":"end","font-size":11,fill:"#52616b"},svg);}
  return {svg,B,H,V,T,U,y};
}
function legende(r, navn){ navn.forEach((n,i)=>{const yy=r.T+i*18;
  el("rect",{x:r.B+14,y:yy,width:12,height:12,fill:FARGER[i%FARGER.length]},r.svg);
  tekst(n,{x:r.B+32,y:yy+10,"font-size":12,fill:"#1d2b36"},r.svg);});}
function linjer(id, etiketter, serier, pst){
  const alle=serier.flatMap(s=>s.verdier).filter(v=>v!==null); const maks=Math.max(pst?1:0,...alle,0);
  const r=ramme(id,maks,pst); const n=etiketter.length;
  const x = i => r.V + (n===1 ? (r.B-r.V)/2 : (r.B-r.V-20)*i/(n-1)+10);
  etiketter.forEach((e,i)=>tekst(e,{x:x(i),y:r.H-r.U+18,"text-anchor":"middle","font-size":11,fill:"#52616b"},r.svg));
  serier.forEach((s,si)=>{const f=FARGER[si%FARGER.length]; let d="";
    s.verdier.forEach((v,i)=>{ if(v===null){return;} d+=(d?"L":"M")+x(i)+" "+r.y(v);});
    if(d){el("path",{d,fill:"none",stroke:f,"stroke-width":2.5,"class":"serie"},r.svg);}
    s.verdier.forEach((v,i)=>{ if(v===null){return;}
      const c=el("circle",{cx:x(i),cy:r.y(v),r:4,fill:f,"class":"punkt"},r.svg);
      el("title",{},c).textContent=`${s.navn}, ${etiketter[i]}: ${tall(v,pst)}`;});});
  legende(r, serier.map(s=>s.navn));
}
function stolper(id, grupper, serier, pst){
  const alle=serier.flatMap(s=>s.verdier).filter(v=>v!==null); const maks=Math.max(pst?1:0,...alle,0);
  const r=ramme(id,maks,pst); const gb=(r.B-r.V)/Math.max(1,grupper.length);
  const sb=Math.min(38,(gb-16)/Math.max(1,serier.length));
  grupper.forEach((g,gi)=>{ const x0=r.V+gi*gb+(gb-sb*serier.length)/2;
    tekst(g,{x:r.V+gi*gb+gb/2,y:r.H-r.U+18,"text-anchor":"middle","font-size":11,fill:"#52616b"},r.svg);
    serier.forEach((s,si)=>{ const v=s.verdier[gi]; if(v===null||v===undefined){return;}
      const b=el("rect",{x:x0+si*sb,y:r.y(v),width:sb-3,height:Math.max(0,r.y(0)-r.y(v)),
        fill:FARGER[si%FARGER.length],"class":"stolpe"},r.svg);
      el("title",{},b).textContent=`${s.navn}, ${g}: ${tall(v,pst)}`;});});
  legende(r, serier.map(s=>s.navn));
}
const L=D.leverandorer, ids=L.map(l=>l.id);
linjer("diagram-andel", D.maaneder, L.map(l=>({navn:l.id, verdier:l.maaneder.map(m=>m.andel_levert)})), true);
linjer("diagram-betalbar", D.maaneder, L.map(l=>({navn:l.id, verdier:l.maaneder.map(m=>m.betalbar)})), false);
stolper("diagram-timer", ids, [
  {navn:"Bestilt", verdier:L.map(l=>l.periode.bestilt)},
  {navn:"Levert", verdier:L.map(l=>l.periode.levert)},
  {navn:"Betalbar", verdier:L.map(l=>l.periode.betalbar)}], false);
stolper("diagram-frister", D.regler.map(r=>r.split(" ")[0]),
  L.map(l=>({navn:l.id, verdier:Object.values(l.periode.frister)})), true);
stolper("diagram-kontinuitet", ids, [
  {navn:"Median", verdier:L.map(l=>l.periode.kont_median)},
  {navn:"90-persentil", verdier:L.map(l=>l.periode.kont_p90)}], false);
stolper("diagram-bytter", ids, [
  {navn:"Bytter inn", verdier:L.map(l=>l.periode.bytter_inn)},
  {navn:"Bytter ut", verdier:L.map(l=>l.periode.bytter_ut)}], false);
document.body.setAttribute("data-diagrammer", String(document.querySelectorAll(".diagram svg").length));
})();
"""


def _e(s: object) -> str:
    return html.escape(str(s))


def _andel_klasse(x: float | None, grense: float = 0.9) -> str:
    if x is None:
        return ""
    return "god" if x >= grense else "darlig"


def _sammenligning(r: Oppfolgingsrapport) -> str:
    rader = [("Brukere betjent", lambda lr: str(lr.periode.brukere_betjent), None),
             ("Besøk", lambda lr: str(lr.periode.besok), None),
             ("Bestilte timer", lambda lr: komma(lr.periode.bestilt_timer), None),
             ("Leverte timer", lambda lr: komma(lr.periode.levert_timer), None),
             ("Betalbare timer", lambda lr: komma(lr.periode.betalbare_timer), None),
             ("Andel av bestilt tid levert", lambda lr: prosent(lr.periode.andel_levert),
              lambda lr: lr.periode.andel_levert),
             ("Beløp (kr)", lambda lr: komma(lr.periode.belop), None),
             ("Bytter inn", lambda lr: str(lr.periode.bytter_inn), None),
             ("Bytter ut", lambda lr: str(lr.periode.bytter_ut), None),
             ("Andel som bytter ut igjen innen 90 dager",
              lambda lr: prosent(lr.andel_bytter_ut_innen_90), None),
             ("Bekymringsmeldinger", lambda lr: str(lr.periode.bekymringsmeldinger), None),
             ("Avbestillinger", lambda lr: str(lr.periode.avbestillinger), None),
             ("Avvik registrert (R27)", lambda lr: str(lr.periode.avvik_registrert), None),
             ("Klager på tjenesten (R27)", lambda lr: str(lr.periode.klager), None),
             ("Ikke betalbare timer (avvik)", lambda lr: komma(lr.periode.avvik_timer_sum),
              None),
             ("Kontinuitet: ulike ansatte per 14 dager, median",
              lambda lr: komma(lr.periode.kontinuitet_median, 1), None),
             ("Kontinuitet: 90-persentil",
              lambda lr: "–" if lr.periode.kontinuitet_p90 is None
              else str(lr.periode.kontinuitet_p90), None)]
    for x in REGLER:
        rader.append((f"{REGEL[x]}: andel overholdt",
                      lambda lr, x=x: prosent(lr.periode.frister[x].andel_overholdt) or "–",
                      lambda lr, x=x: lr.periode.frister[x].andel_overholdt))
    hode = "".join(f"<th>{_e(lr.leverandor_id)}</th>" for lr in r.leverandorer)
    kropp = []
    for navn, verdi, klasse in rader:
        celler = "".join(
            f'<td class="{_andel_klasse(klasse(lr)) if klasse else ""}">{_e(verdi(lr))}</td>'
            for lr in r.leverandorer)
        kropp.append(f"<tr><td>{_e(navn)}</td>{celler}</tr>")
    return (f'<table id="sammenligning"><thead><tr><th>Nøkkeltall</th>{hode}</tr></thead>'
            f"<tbody>{''.join(kropp)}</tbody></table>")


def _avvik(r: Oppfolgingsrapport) -> str:
    arsaker = sorted({a for lr in r.leverandorer for a in lr.periode.avvik_timer})
    if not arsaker:
        return "<p>Ingen ikke betalbare timer i perioden.</p>"
    hode = "".join(f"<th>{_e(lr.leverandor_id)}</th>" for lr in r.leverandorer)
    kropp = "".join(
        f"<tr><td>{_e(KORT.get(a, a))}</td>"
        + "".join(f"<td>{komma(lr.periode.avvik_timer.get(a))}</td>" for lr in r.leverandorer)
        + "</tr>" for a in arsaker)
    return f"<table><thead><tr><th>Årsak (timer)</th>{hode}</tr></thead><tbody>{kropp}</tbody></table>"


def rapport_html(r: Oppfolgingsrapport, tittel: str = "Kontraktsoppfølging",
                navn: Mapping[str, str] | None = None) -> str:
    data = json.dumps(_data(r), ensure_ascii=False).replace("<", "\\u003c")
    periode = (maanedsnavn(r.fra) if r.fra == r.til
               else f"{maanedsnavn(r.fra)} – {maanedsnavn(r.til)}")
    lev = ", ".join(lr.leverandor_id for lr in r.leverandorer) or "ingen"
    diagrammer = [
        ("diagram-andel", "Andel av bestilt tid levert, per måned"),
        ("diagram-betalbar", "Betalbare timer per måned"),
        ("diagram-timer", "Bestilt, levert og betalbar tid i perioden"),
        ("diagram-frister", "Frister overholdt per regel (R11–R13, R16, R21)"),
        ("diagram-kontinuitet", "Kontinuitet: ulike ansatte en bruker møtte per 14 dager"),
        ("diagram-bytter", "Bytter inn og ut"),
    ]
    kort = "".join(f'<section><h2>{_e(t)}</h2><div class="diagram" id="{i}"></div></section>'
                   for i, t in diagrammer)
    return f"""<!DOCTYPE html>
<html lang="nb"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(tittel)} – {_e(periode)}</title><style>{_CSS}</style></head>
<body><header><h1>{_e(tittel)}</h1>
<p>Periode: {_e(periode)} · Leverandører: {_e(lev)} · Laget {_e(r.laget.strftime("%d.%m.%Y %H:%M"))}</p>
</header><main>
<section><h2>Leverandørene side om side</h2>{_sammenligning(r)}
<p class="forklaring">Andel levert = levert ordinær tid opp til bestilt tid, delt på bestilt tid
(R28a). Kontinuitet = antall ulike ansatte en bruker møtte i dag 1–14 og 15–28 i hver måned
(R28a). Frister: andel overholdt av de avgjorte (overholdt + brutt); grønt ≥ 90 %.</p></section>
<div class="kort">{kort}</div>
<section><h2>Ikke betalbare timer per årsak (R18, R20, R23)</h2>{_avvik(r)}</section>
</main>
<script type="application/json" id="rapportdata">{data}</script>
<script>{_JS}</script>
</body></html>"""
