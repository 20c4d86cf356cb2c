// The persistent map of the app (Streamlit custom component v2, no iframe).
//
// Mounted once per page; every rerun calls the default export again with new
// `data` and the same `parentElement`. The commune geometry is fetched once per
// URL (content-hashed, so it never changes meaning) and kept for the life of the
// tab; a rerun only restyles the 251 shapes, swaps legends and changed point
// layers. Points are drawn on one canvas per layer (10,000 points in a few ms).
// Every text coming from data is inserted with textContent: school names are
// untrusted. Legend HTML arrives already escaped by the Python side.

const INSTANCES = new WeakMap();

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement("script");
    s.src = src;
    s.async = true;
    s.onload = () => resolve();
    s.onerror = () => reject(new Error("cannot load " + src));
    document.head.appendChild(s);
  });
}

function ensureLeaflet(prefix) {
  if (window.L && window.L.map) return Promise.resolve(window.L);
  if (!window.__csLeaflet) {
    if (!document.querySelector('link[data-cs-leaflet]')) {
      const link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = prefix + "/leaflet.css";
      link.setAttribute("data-cs-leaflet", "1");
      document.head.appendChild(link);
    }
    window.__csLeaflet = loadScript(prefix + "/leaflet.js").then(() => window.L);
  }
  return window.__csLeaflet;
}

// One download per URL for the whole tab (several maps and pages share it).
function fetchJSON(url) {
  window.__csFetched = window.__csFetched || new Map();
  const cache = window.__csFetched;
  if (!cache.has(url)) {
    cache.set(url, fetch(url, { credentials: "same-origin" }).then((r) => {
      if (!r.ok) throw new Error(url + ": HTTP " + r.status);
      return r.json();
    }).catch((err) => { cache.delete(url); throw err; }));
  }
  return cache.get(url);
}

function decodeRing(ring, scale) {
  const out = new Array(ring.length / 2);
  let x = 0, y = 0;
  for (let i = 0, j = 0; i < ring.length; i += 2, j++) {
    x += ring[i]; y += ring[i + 1];
    out[j] = [y / scale, x / scale];
  }
  return out;
}

function decodePolys(polys, scale) {
  return polys.map((rings) => rings.map((r) => decodeRing(r, scale)));
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

// ---------------------------------------------------------------- canvas points
// School provenance marks (mapping/provenance.py): "hatched" = a site inferred from
// the census (hatched fill, dashed outline), "cross" = a fictitious site
// (cross-hatched fill, dotted outline); "circle" = a surveyed or imported site.
const MIN_MARK_RADIUS = 3.5;
const PATTERNS = new Map();

// The fill pattern of a hatched or crossed mark: the fill colour at its opacity,
// lines of the outline colour every 4 px at 45 degrees (as the SVG patterns).
function markPattern(ctx, style, dpr) {
  const key = [style.m, style.c, style.f, style.o, dpr].join("|");
  let pattern = PATTERNS.get(key);
  if (pattern) return pattern;
  const tile = document.createElement("canvas");
  const n = Math.max(4, Math.round(4 * dpr));
  tile.width = n; tile.height = n;
  const t = tile.getContext("2d");
  t.globalAlpha = style.o !== undefined ? style.o : 0.35;
  t.fillStyle = style.f || "#ffffff";
  t.fillRect(0, 0, n, n);
  t.globalAlpha = 1;
  t.strokeStyle = style.c;
  t.lineWidth = 1.4 * dpr;
  t.beginPath();
  t.moveTo(0, 0); t.lineTo(0, n);
  if (style.m === "cross") { t.moveTo(0, 0); t.lineTo(n, 0); }
  t.stroke();
  pattern = ctx.createPattern(tile, "repeat");
  if (pattern && pattern.setTransform && window.DOMMatrix) {
    pattern.setTransform(new DOMMatrix().scale(1 / dpr).rotate(45));
  }
  PATTERNS.set(key, pattern);
  return pattern;
}

function canvasLayerClass(L) {
  if (L.CsPoints) return L.CsPoints;
  L.CsPoints = L.Layer.extend({
    initialize(body, spec) {
      this.body = body;
      this.spec = spec;
      const n = body.x.length;
      // Projected at scale 1 once; a redraw only multiplies by 256 * 2^zoom.
      this.px = new Float64Array(n);
      this.py = new Float64Array(n);
      const crs = L.CRS.EPSG3857;
      for (let i = 0; i < n; i++) {
        const p = crs.transformation.transform(crs.projection.project(L.latLng(body.y[i], body.x[i])), 1);
        this.px[i] = p.x; this.py[i] = p.y;
      }
      this.radius = typeof body.r === "number" ? null : body.r;
      this.r0 = typeof body.r === "number" ? body.r : 4;
      // point indices grouped by style: one path per style
      this.groups = body.st.map(() => []);
      for (let i = 0; i < n; i++) this.groups[body.s[i]].push(i);
    },
    onAdd(map) {
      this._map = map;
      this.canvas = L.DomUtil.create("canvas", "cs-points");
      this.canvas.setAttribute("data-layer", this.spec.id);
      this.canvas.setAttribute("data-count", String(this.body.x.length));
      this.canvas.setAttribute("data-marks", this.markCounts());
      map.getPane("cs-points").appendChild(this.canvas);
      map.on("move zoomend resize viewreset", this.redraw, this);
      map.on("zoomstart", this.hide, this);
      this.redraw();
    },
    onRemove(map) {
      map.off("move zoomend resize viewreset", this.redraw, this);
      map.off("zoomstart", this.hide, this);
      if (this.canvas) this.canvas.remove();
      this.canvas = null;
    },
    hide() { if (this.canvas) this.canvas.style.visibility = "hidden"; },
    // "circle:120 cross:40 hatched:75": how many points carry each mark
    markCounts() {
      const counts = {};
      this.body.st.forEach((st, s) => {
        const m = st.m || "circle";
        counts[m] = (counts[m] || 0) + this.groups[s].length;
      });
      return Object.keys(counts).sort().filter((m) => counts[m]).map((m) => m + ":" + counts[m]).join(" ");
    },
    // the mark of point i (browser tests read it)
    markOf(i) { return this.body.st[this.body.s[i]].m || "circle"; },
    origin() {
      const map = this._map;
      const zoom = map.getZoom();
      const scale = 256 * Math.pow(2, zoom);
      const o = map.project(map.containerPointToLatLng([0, 0]), zoom);
      return { scale, ox: o.x, oy: o.y };
    },
    redraw() {
      const map = this._map, c = this.canvas;
      if (!map || !c) return;
      const t0 = performance.now();
      const size = map.getSize();
      const dpr = window.devicePixelRatio || 1;
      if (c.width !== Math.round(size.x * dpr) || c.height !== Math.round(size.y * dpr)) {
        c.width = Math.round(size.x * dpr); c.height = Math.round(size.y * dpr);
        c.style.width = size.x + "px"; c.style.height = size.y + "px";
      }
      L.DomUtil.setPosition(c, map.containerPointToLayerPoint([0, 0]));
      c.style.visibility = "visible";
      const ctx = c.getContext("2d");
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, size.x, size.y);
      const { scale, ox, oy } = this.origin();
      const sf = this.sizeFactor();
      const st = this.body.st;
      for (let s = 0; s < st.length; s++) {
        const idx = this.groups[s];
        if (!idx.length) continue;
        const mark = st[s].m || "circle";
        // hatched and crossed marks keep a size at which their pattern shows
        const rmin = mark === "circle" ? 0 : MIN_MARK_RADIUS;
        ctx.beginPath();
        for (let k = 0; k < idx.length; k++) {
          const i = idx[k];
          const x = this.px[i] * scale - ox, y = this.py[i] * scale - oy;
          const r = Math.max(rmin, (this.radius ? this.radius[i] : this.r0) * sf);
          if (x < -r || y < -r || x > size.x + r || y > size.y + r) continue;
          ctx.moveTo(x + r, y);
          ctx.arc(x, y, r, 0, 2 * Math.PI);
        }
        if (mark === "circle") {
          ctx.fillStyle = st[s].f || "#ffffff";
          ctx.globalAlpha = st[s].o !== undefined ? st[s].o : (st[s].f ? 0.9 : 0.95);
        } else {
          ctx.fillStyle = markPattern(ctx, st[s], dpr);
          ctx.globalAlpha = 1;
        }
        ctx.fill();
        ctx.globalAlpha = 1;
        ctx.lineWidth = st[s].w;
        ctx.strokeStyle = st[s].c;
        ctx.setLineDash(st[s].d || []);
        ctx.stroke();
        ctx.setLineDash([]);
      }
      this.lastDrawMs = performance.now() - t0;
      c.setAttribute("data-draw-ms", this.lastDrawMs.toFixed(1));
    },
    // points shrink when zoomed out (the region view holds thousands of them)
    sizeFactor() {
      const z = this._map.getZoom();
      return Math.max(0.35, Math.min(1, (z - 6) / 5));
    },
    hit(containerPoint) {
      const { scale, ox, oy } = this.origin();
      const sf = this.sizeFactor();
      let best = -1, bestD = Infinity;
      for (let i = this.px.length - 1; i >= 0; i--) {
        const dx = this.px[i] * scale - ox - containerPoint.x;
        const dy = this.py[i] * scale - oy - containerPoint.y;
        const r = (this.radius ? this.radius[i] : this.r0) * sf + 2;
        const d = dx * dx + dy * dy;
        if (d <= r * r && d < bestD) { best = i; bestD = d; }
      }
      return best;
    },
    popupContent(i, rtl) {
      const box = el("div", "cs-popup");
      box.dir = rtl ? "rtl" : "ltr";
      const fields = this.body.fields || [];
      const vals = (this.body.vals || [])[i] || [];
      for (let k = 0; k < fields.length; k++) {
        const v = vals[k];
        if (v === undefined || v === null || v === "") continue;
        const row = el("div", "cs-popup-row");
        if (fields[k]) {
          row.appendChild(el("span", "cs-popup-label", fields[k] + " : "));
          row.appendChild(el("span", "cs-popup-value", v));
        } else {
          row.appendChild(el("b", "cs-popup-title", v));
        }
        box.appendChild(row);
      }
      return box;
    },
  });
  return L.CsPoints;
}

// ---------------------------------------------------------------- the map view
class MapView {
  constructor(parent) {
    this.parent = parent;
    this.root = parent.querySelector(".cs-mapview") || parent.appendChild(el("div", "cs-mapview"));
    this.root.csView = this;  // for browser tests and the benchmark (locate points, read state)
    this.mapDiv = this.root.querySelector(".cs-map") || this.root.appendChild(el("div", "cs-map"));
    this.pending = null;
    this.chain = Promise.resolve();
    this.layers = new Map();       // id -> {key, layer, spec, visible}
    this.legends = [];             // [{control, html, position}]
    this.polys = [];
    this.styleKey = null;
    this.fitKey = null;
    this.selected = null;
    this.renders = 0;
    this.nonce = 0;
    this.hidden = new Set();       // layer ids switched off by the user
  }

  setCallbacks(setStateValue, setTriggerValue) {
    this.setStateValue = setStateValue;
    this.setTriggerValue = setTriggerValue;
  }

  update(data) {
    this.pending = data;
    this.chain = this.chain.then(() => {
      const d = this.pending;
      this.pending = null;
      if (d) return this.apply(d);
      return undefined;
    }).catch((err) => this.fail(err));
  }

  fail(err) {
    const box = this.root.querySelector(".cs-map-error") || this.root.appendChild(el("div", "cs-map-error"));
    box.textContent = String(err && err.message ? err.message : err);
    this.root.setAttribute("data-error", "1");
  }

  async apply(data) {
    const t0 = performance.now();
    this.data = data;
    if (!this.map) await this.init(data);
    const L = this.L;
    this.root.style.height = data.height + "px";
    this.root.dir = data.rtl ? "rtl" : "ltr";
    this.root.setAttribute("lang", data.lang);
    this.placeControls(data.rtl);
    this.restyle(data.communes, data);
    const fitKey = JSON.stringify(data.fit);
    if (fitKey !== this.fitKey) {
      this.fitKey = fitKey;
      const [minx, miny, maxx, maxy] = data.fit;
      this.fitTo(L.latLngBounds([miny, minx], [maxy, maxx]));
    }
    this.applyLegends(data.legends || []);
    await this.applyLayers(data.layers || [], data);
    this.provinceGroup && (data.provinces ? this.provinceGroup.addTo(this.map) : this.provinceGroup.remove());
    this.root.classList.toggle("cs-mode-add", data.click_mode === "add");
    this.renders += 1;
    this.root.setAttribute("data-renders", String(this.renders));
    this.root.setAttribute("data-style-key", data.communes.key || "");
    this.root.setAttribute("data-apply-ms", (performance.now() - t0).toFixed(1));
    this.root.setAttribute("data-ready", "1");
  }

  async init(data) {
    const [L, geom] = await Promise.all([ensureLeaflet(data.assets), fetchJSON(data.geometry)]);
    this.L = L;
    this.geom = geom;
    this.geomUrl = data.geometry;
    this.root.style.height = data.height + "px";
    const map = L.map(this.mapDiv, { zoomControl: false, attributionControl: true, zoomSnap: 0.25 });
    this.map = map;
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution("© OpenStreetMap contributors · HCP RGPH");
    map.createPane("cs-provinces").style.zIndex = 420;
    map.getPane("cs-provinces").style.pointerEvents = "none";
    map.createPane("cs-points").style.zIndex = 450;
    map.getPane("cs-points").style.pointerEvents = "none";
    this.zoom = L.control.zoom({ position: "topleft" });
    this.scale = L.control.scale({ metric: true, imperial: false, position: "bottomleft" });
    const scale = geom.scale;
    const renderer = L.svg({ padding: 0.3 });
    this.communeGroup = L.featureGroup().addTo(map);
    this.polys = geom.communes.map((polys, i) => {
      const layer = L.polygon(decodePolys(polys, scale), {
        renderer, smoothFactor: 0.5, className: "cs-commune", weight: 0.6, color: "#ffffff",
        fillOpacity: 0.8, fillColor: "#cccccc",
      });
      layer.csIndex = i;
      layer.bindTooltip(() => this.tooltip(i), { sticky: true, className: "cs-tip", direction: "auto" });
      layer.on("click", (e) => this.onShapeClick(i, e));
      layer.on("mouseover", () => { if (this.selected !== i) layer.setStyle({ weight: 2.5, color: "#222222" }); });
      layer.on("mouseout", () => layer.setStyle(this.styleOf(i)));
      layer.on("add", () => {
        const p = layer.getElement();
        if (p) p.setAttribute("data-code", geom.codes[i]);
      });
      return layer;
    });
    this.shown = new Array(this.polys.length).fill(false);
    this.provinceGroup = L.featureGroup((geom.provinces || []).map((p) => L.polygon(decodePolys(p.polys, scale), {
      pane: "cs-provinces", fill: false, interactive: false, weight: 1.6, color: "#333333",
      className: "cs-province",
    })));
    map.on("click", (e) => this.onMapClick(e));
    map.on("moveend", () => this.reportView());
    this.layerControl = L.control({ position: "topright" });
    this.layerControl.onAdd = () => {
      const div = el("div", "cs-layers leaflet-bar");
      L.DomEvent.disableClickPropagation(div);
      this.layerBox = div;
      return div;
    };
    if (window.ResizeObserver) {
      this.resizer = new ResizeObserver(() => {
        map.invalidateSize({ pan: false });
        const size = map.getSize();
        if (this.pendingFit && size.x && size.y) this.fitTo(this.pendingFit);
      });
      this.resizer.observe(this.root);
    }
  }

  // Fit the view to bounds; a map without a size yet (in a hidden tab) gets a provisional
  // view and fits once it is shown (see the ResizeObserver in init).
  fitTo(bounds) {
    const size = this.map.getSize();
    this.programmatic = true;
    if (!size.x || !size.y) {
      this.pendingFit = bounds;
      if (!this.map._loaded) this.map.setView(bounds.getCenter(), 7, { animate: false });
    } else {
      this.pendingFit = null;
      this.map.fitBounds(bounds, { animate: false, padding: [8, 8] });
    }
    setTimeout(() => { this.programmatic = false; }, 50);
  }

  placeControls(rtl) {
    if (this.rtl === rtl) return;
    this.rtl = rtl;
    this.zoom.remove();
    this.zoom.setPosition(rtl ? "topright" : "topleft").addTo(this.map);
    this.layerControl.remove();
    this.layerControl.setPosition(rtl ? "topleft" : "topright").addTo(this.map);
    this.map.attributionControl.setPosition(rtl ? "bottomleft" : "bottomright");
    this.scale.remove();
    this.scale.setPosition(rtl ? "bottomright" : "bottomleft").addTo(this.map);
    this.legendsHtml = null;  // legends are re-placed
    this.renderLayerBox();
  }

  styleOf(i) {
    const c = this.data.communes;
    const f = c.f[i] || 0;
    const style = { fillColor: c.palette[c.c[i]] || "#cccccc", color: "#ffffff", weight: 0.6,
                    fillOpacity: 0.8, dashArray: null };
    if (f & 1) Object.assign(style, { fillOpacity: 0.5, dashArray: "3 3", color: "#777777" });
    else if (f & 2) Object.assign(style, { fillOpacity: 0.45, dashArray: "4 3", color: "#444444", weight: 1.2 });
    if (this.selected === i) Object.assign(style, { weight: 3, color: "#111111", dashArray: null });
    return style;
  }

  restyle(communes, data) {
    const sel = data.selected ? this.geom.codes.indexOf(data.selected) : -1;
    const selected = sel >= 0 ? sel : null;
    if (communes.key === this.styleKey && selected === this.selected) return;
    this.styleKey = communes.key;
    const previous = this.selected;
    this.selected = selected;
    for (let i = 0; i < this.polys.length; i++) {
      const show = communes.c[i] >= 0;
      const layer = this.polys[i];
      if (show !== this.shown[i]) {
        if (show) this.communeGroup.addLayer(layer); else this.communeGroup.removeLayer(layer);
        this.shown[i] = show;
      }
      if (show) layer.setStyle(this.styleOf(i));
    }
    if (this.selected !== null && this.shown[this.selected]) this.polys[this.selected].bringToFront();
    if (previous !== null && previous !== this.selected && this.shown[previous]) this.polys[previous].setStyle(this.styleOf(previous));
  }

  tooltip(i) {
    const g = this.geom, d = this.data, c = d.communes;
    const box = el("div", "cs-tip-body");
    box.dir = d.rtl ? "rtl" : "ltr";
    const first = d.lang === "ar" ? g.name_ar[i] || g.name_fr[i] : g.name_fr[i];
    const second = d.lang === "ar" ? g.name_fr[i] : g.name_ar[i];
    box.appendChild(el("b", null, first));
    if (second && second !== first) {
      box.appendChild(document.createTextNode(" "));
      const s = el("span", null, second);
      s.dir = "auto";
      box.appendChild(s);
    }
    if (c.title) box.appendChild(el("div", "cs-tip-title", c.title));
    for (const line of String(c.l[i] || "").split("\n")) {
      if (line) box.appendChild(el("div", "cs-tip-line", line));
    }
    if (c.rk && c.rk[i] > 0 && c.rank) box.appendChild(el("div", "cs-tip-rank", c.rank.replace("{rank}", String(c.rk[i]))));
    return box;
  }

  pointHit(e) {
    const ids = Array.from(this.layers.keys()).reverse();
    for (const id of ids) {
      const entry = this.layers.get(id);
      if (!entry.visible) continue;
      const i = entry.layer.hit(e.containerPoint);
      if (i >= 0) {
        const b = entry.layer.body;
        this.L.popup({ className: "cs-point-popup", maxWidth: 320 })
          .setLatLng([b.y[i], b.x[i]])
          .setContent(entry.layer.popupContent(i, this.data.rtl))
          .openOn(this.map);
        if (entry.spec.clickable) this.trigger("point_click", { layer: id, index: i });
        return true;
      }
    }
    return false;
  }

  trigger(name, value) {
    this.nonce += 1;
    if (this.setTriggerValue) this.setTriggerValue(name, Object.assign({ n: this.nonce }, value));
  }

  onShapeClick(i, e) {
    this.L.DomEvent.stopPropagation(e);
    if (this.data.click_mode === "locate") this.trigger("map_click", { lat: e.latlng.lat, lon: e.latlng.lng, code: this.geom.codes[i] });
    if (this.data.click_mode !== "add" && this.pointHit(e)) return;
    if (this.data.click_mode === "locate") return;
    if (this.data.click_mode === "add") {
      this.trigger("map_click", { lat: e.latlng.lat, lon: e.latlng.lng, code: this.geom.codes[i] });
      return;
    }
    this.trigger("commune_click", { code: this.geom.codes[i], lat: e.latlng.lat, lon: e.latlng.lng });
  }

  onMapClick(e) {
    if (this.data.click_mode === "locate") this.trigger("map_click", { lat: e.latlng.lat, lon: e.latlng.lng, code: null });
    if (this.data.click_mode !== "add" && this.pointHit(e)) return;
    if (this.data.click_mode === "locate") return;
    if (this.data.click_mode === "add") this.trigger("map_click", { lat: e.latlng.lat, lon: e.latlng.lng, code: null });
  }

  reportView() {
    if (this.programmatic || !this.setStateValue || !this.data.report_view) return;
    const c = this.map.getCenter();
    const view = { lat: +c.lat.toFixed(5), lon: +c.lng.toFixed(5), zoom: this.map.getZoom() };
    const key = JSON.stringify(view);
    if (key === this.viewKey) return;
    this.viewKey = key;
    clearTimeout(this.viewTimer);
    this.viewTimer = setTimeout(() => this.setStateValue("view", view), 400);
  }

  applyLegends(legends) {
    const key = JSON.stringify(legends);
    if (key === this.legendsHtml) return;
    this.legendsHtml = key;
    for (const l of this.legends) l.remove();
    this.legends = legends.map((spec) => {
      const control = this.L.control({ position: spec.position });
      control.onAdd = () => {
        const div = el("div", spec.cls || "cs-legend");
        div.innerHTML = spec.html;  // built and escaped by mapping.web.legend
        this.L.DomEvent.disableClickPropagation(div);
        return div;
      };
      return control.addTo(this.map);
    });
  }

  async applyLayers(specs, data) {
    const L = this.L;
    const Points = canvasLayerClass(L);
    const wanted = new Set(specs.map((s) => s.id));
    for (const [id, entry] of this.layers) {
      if (!wanted.has(id)) { entry.layer.remove(); this.layers.delete(id); }
    }
    const bodies = await Promise.all(specs.map((s) => {
      const entry = this.layers.get(s.id);
      if (entry && entry.key === s.key) return null;
      return s.inline ? Promise.resolve(s.inline) : fetchJSON(s.url);
    }));
    specs.forEach((s, k) => {
      const old = this.layers.get(s.id);
      if (bodies[k] === null) { old.spec = s; return; }
      if (old) old.layer.remove();
      const visible = old ? old.visible : (s.visible !== false && !this.hidden.has(s.id));
      const layer = new Points(bodies[k], s);
      const entry = { key: s.key, layer, spec: s, visible };
      this.layers.delete(s.id);
      this.layers.set(s.id, entry);
      if (visible) layer.addTo(this.map);
    });
    // keep the canvases stacked in the order given (last on top)
    for (const s of specs) {
      const entry = this.layers.get(s.id);
      if (entry.layer.canvas) entry.layer.canvas.parentNode.appendChild(entry.layer.canvas);
    }
    this.renderLayerBox();
  }

  renderLayerBox() {
    const box = this.layerBox;
    if (!box || !this.data) return;
    const texts = this.data.texts || {};
    const items = [];
    if ((this.geom.provinces || []).length) items.push({ id: "provinces", name: texts.provinces || "Provinces", visible: !!this.data.provinces, fixed: true });
    for (const [id, entry] of this.layers) items.push({ id, name: entry.spec.name, visible: entry.visible, count: entry.spec.count });
    const key = JSON.stringify([items, this.rtl]);
    if (key === this.layerBoxKey) return;
    this.layerBoxKey = key;
    box.replaceChildren();
    box.dir = this.rtl ? "rtl" : "ltr";
    box.style.display = items.length ? "" : "none";
    if (texts.layers) box.appendChild(el("div", "cs-layers-title", texts.layers));
    for (const item of items) {
      const label = el("label", "cs-layer");
      const input = el("input");
      input.type = "checkbox";
      input.checked = item.visible;
      input.setAttribute("data-layer", item.id);
      input.addEventListener("change", () => this.toggleLayer(item.id, input.checked));
      label.appendChild(input);
      label.appendChild(el("span", null, " " + item.name));
      box.appendChild(label);
    }
  }

  toggleLayer(id, on) {
    if (id === "provinces") {
      if (on) this.provinceGroup.addTo(this.map); else this.provinceGroup.remove();
    } else {
      const entry = this.layers.get(id);
      if (!entry) return;
      entry.visible = on;
      if (on) { this.hidden.delete(id); entry.layer.addTo(this.map); } else { this.hidden.add(id); entry.layer.remove(); }
    }
    const visible = [];
    if (this.map.hasLayer(this.provinceGroup)) visible.push("provinces");
    for (const [lid, entry] of this.layers) if (entry.visible) visible.push(lid);
    if (this.setStateValue) this.setStateValue("layers", visible);
  }

  destroy() {
    if (this.resizer) this.resizer.disconnect();
    if (this.map) this.map.remove();
    this.map = null;
  }
}

export default function (component) {
  const { data, parentElement, setStateValue, setTriggerValue } = component;
  let view = INSTANCES.get(parentElement);
  if (!view) {
    view = new MapView(parentElement);
    INSTANCES.set(parentElement, view);
  }
  clearTimeout(view.destroyTimer);
  view.setCallbacks(setStateValue, setTriggerValue);
  if (data) view.update(data);
  return () => {
    // Called when Streamlit unmounts the element; a rerun that keeps the element
    // calls the renderer again at once, so only a detached element is torn down.
    view.destroyTimer = setTimeout(() => {
      if (!parentElement.isConnected) {
        view.destroy();
        INSTANCES.delete(parentElement);
      }
    }, 2000);
  };
}
