// The live map page: the maritime picture the signed-in user may see, on a base map
// served by the node itself (MapLibre GL JS, Natural Earth land polygons).
//
// Data comes from /map/data/… (the maritime API reached with the session cookie):
// vessels and alerts once, then live from the event stream (/map/data/stream), which
// the browser resumes by itself after a break. Everything shown comes from the server,
// which decides what this user may see; this script only draws it and filters the view.
//
// Text from the data (vessel names, area names) is only ever set with textContent.

import { baseStyle, loadBase } from "./basemap.js";

const app = document.getElementById("map-app");

const TYPE_COLOURS = {
  cargo: "#2f7d3a",
  tanker: "#8e3fa5",
  passenger: "#1f5fb0",
  fishing: "#d9730d",
  other: "#56616d",
  unknown: "#8a939c",
};

const DAY_MS = 24 * 3600 * 1000;

// What the page holds, for the filters and for tests (window.interdictMap).
const state = {
  sources: new Map(), // source id -> agency
  vessels: new Map(), // mmsi -> vessel
  alerts: new Map(), // id -> alert
  areas: [],
  selectedVessel: null,
  selectedAlert: null,
  evidence: { type: "FeatureCollection", features: [] },
  track: { type: "FeatureCollection", features: [] },
  draft: [],
  drawing: false,
  dirty: true,
  positionEvents: 0,
};

let messages = {};
const t = (key) => messages[key] || key;

function setStatus(kind, title) {
  const status = document.getElementById("map-status");
  if (!status) return;
  status.dataset.state = kind;
  status.textContent = t(kind === "live" ? "map.live" : kind === "offline" ? "map.offline" : "map.connecting");
  if (title) status.title = title;
}

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

async function getJson(url) {
  const response = await fetch(url, { headers: { accept: "application/json" } });
  if (!response.ok) {
    const error = new Error(`${response.status} ${url}`);
    error.status = response.status;
    throw error;
  }
  return response.json();
}

function formatTime(value) {
  if (!value) return "";
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) return String(value);
  return at.toISOString().slice(0, 16).replace("T", " ") + " UTC";
}

function formatPosition(lat, lon) {
  if (lat === null || lat === undefined || lon === null || lon === undefined) return "";
  const ns = lat >= 0 ? "N" : "S";
  const ew = lon >= 0 ? "E" : "W";
  return `${Math.abs(lat).toFixed(4)}°${ns} ${Math.abs(lon).toFixed(4)}°${ew}`;
}

// ITU-R M.1371 ship types, grouped the way the filter offers them.
function typeCategory(shipType) {
  if (shipType === null || shipType === undefined || shipType === 0) return "unknown";
  if (shipType === 30) return "fishing";
  if (shipType >= 60 && shipType <= 69) return "passenger";
  if (shipType >= 70 && shipType <= 79) return "cargo";
  if (shipType >= 80 && shipType <= 89) return "tanker";
  return "other";
}

function vesselFromBody(body, existing) {
  const identity = (body.state && body.state.identity) || {};
  const vessel = existing || { mmsi: body.mmsi, agencies: new Set() };
  vessel.name = body.name || identity.name || vessel.name || null;
  vessel.identity = identity;
  vessel.mid = body.state ? body.state.mid : vessel.mid;
  vessel.category = typeCategory(identity.ship_type);
  vessel.agencies.add(body.agency);
  const seen = Date.parse(body.last_seen);
  if (body.lat !== null && body.lon !== null && (!vessel.at || seen >= vessel.at)) {
    vessel.lat = body.lat;
    vessel.lon = body.lon;
    vessel.at = seen;
    const position = body.state && body.state.position;
    if (position) {
      vessel.cog = position.cog ?? vessel.cog;
      vessel.sog = position.sog ?? vessel.sog;
    }
  }
  return vessel;
}

function filters() {
  return {
    agency: document.getElementById("filter-agency").value,
    type: document.getElementById("filter-type").value,
    kind: document.getElementById("filter-kind").value,
  };
}

function vesselShown(vessel, f) {
  if (vessel.lat === undefined || vessel.lat === null) return false;
  if (f.agency && !vessel.agencies.has(f.agency)) return false;
  if (f.type && vessel.category !== f.type) return false;
  return true;
}

function alertShown(alert, f) {
  if (f.kind && alert.kind !== f.kind) return false;
  if (f.agency) {
    const agency = state.sources.get(alert.source);
    if (agency !== f.agency && alert.agency !== f.agency) return false;
  }
  return true;
}

function vesselFeatures() {
  const f = filters();
  const features = [];
  for (const vessel of state.vessels.values()) {
    if (!vesselShown(vessel, f)) continue;
    features.push({
      type: "Feature",
      geometry: { type: "Point", coordinates: [vessel.lon, vessel.lat] },
      properties: {
        mmsi: vessel.mmsi,
        name: vessel.name || "",
        category: vessel.category,
        cog: vessel.cog ?? 0,
        selected: vessel.mmsi === state.selectedVessel,
      },
    });
  }
  return { type: "FeatureCollection", features };
}

function alertFeatures() {
  const f = filters();
  const features = [];
  for (const alert of state.alerts.values()) {
    if (!alertShown(alert, f)) continue;
    features.push({
      type: "Feature",
      geometry: { type: "Point", coordinates: [alert.lon, alert.lat] },
      properties: { id: alert.id, kind: alert.kind, selected: alert.id === state.selectedAlert },
    });
  }
  return { type: "FeatureCollection", features };
}

function areaFeatures() {
  const features = [];
  for (const area of state.areas) {
    for (const geometry of polygonsOf(area.geojson)) {
      features.push({
        type: "Feature",
        geometry,
        properties: { id: area.id, name: area.name, own: area.agency === app.dataset.agency },
      });
    }
  }
  return { type: "FeatureCollection", features };
}

// The polygons of a stored area, whatever GeoJSON shape it was saved as.
function polygonsOf(geojson) {
  if (!geojson || typeof geojson !== "object") return [];
  switch (geojson.type) {
    case "Polygon":
    case "MultiPolygon":
      return [geojson];
    case "Feature":
      return polygonsOf(geojson.geometry);
    case "FeatureCollection":
      return (geojson.features || []).flatMap(polygonsOf);
    default:
      return [];
  }
}

function draftFeatures() {
  const points = state.draft;
  const features = points.map((p) => ({ type: "Feature", geometry: { type: "Point", coordinates: p }, properties: {} }));
  if (points.length >= 2) {
    features.push({
      type: "Feature",
      geometry: { type: "LineString", coordinates: points.length >= 3 ? [...points, points[0]] : points },
      properties: {},
    });
  }
  return { type: "FeatureCollection", features };
}

// A vessel icon: an arrow pointing north, rotated on the map by the course.
function vesselIcon(colour, selected) {
  const size = 48;
  const canvas = document.createElement("canvas");
  canvas.width = size;
  canvas.height = size;
  const g = canvas.getContext("2d");
  g.beginPath();
  g.moveTo(size / 2, 4);
  g.lineTo(size - 12, size - 6);
  g.lineTo(size / 2, size - 16);
  g.lineTo(12, size - 6);
  g.closePath();
  g.fillStyle = colour;
  g.fill();
  g.lineWidth = selected ? 5 : 3;
  g.strokeStyle = selected ? "#f0b429" : "#ffffff";
  g.stroke();
  return g.getImageData(0, 0, size, size);
}

async function start(root) {
  messages = JSON.parse(root.dataset.i18n || "{}");
  setStatus("connecting");
  const { maplibregl, land: landGeo } = await loadBase(root.dataset);
  const map = new maplibregl.Map({
    container: "map",
    style: baseStyle(landGeo),
    center: [127.0, 33.5],
    zoom: 4.6,
    maxZoom: 14,
    attributionControl: { compact: false },
    dragRotate: false,
    pitchWithRotate: false,
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
  map.addControl(new maplibregl.ScaleControl({ unit: "nautical" }), "bottom-left");
  window.interdictMap = { map, state, ready: false };
  await new Promise((resolve) => map.once("load", resolve));

  for (const [category, colour] of Object.entries(TYPE_COLOURS)) {
    map.addImage(`vessel-${category}`, vesselIcon(colour, false), { pixelRatio: 2 });
    map.addImage(`vessel-${category}-selected`, vesselIcon(colour, true), { pixelRatio: 2 });
  }
  const empty = { type: "FeatureCollection", features: [] };
  for (const name of ["areas", "draft", "track", "evidence", "alerts", "vessels"]) {
    map.addSource(name, { type: "geojson", data: empty });
  }
  map.addLayer({ id: "areas-fill", type: "fill", source: "areas", paint: { "fill-color": ["case", ["get", "own"], "#1f5fb0", "#7a5a00"], "fill-opacity": 0.12 } });
  map.addLayer({ id: "areas-line", type: "line", source: "areas", paint: { "line-color": ["case", ["get", "own"], "#1f5fb0", "#7a5a00"], "line-width": 1.5, "line-dasharray": [3, 2] } });
  map.addLayer({ id: "track-line", type: "line", source: "track", paint: { "line-color": "#12324f", "line-width": 2, "line-opacity": 0.75 } });
  map.addLayer({
    id: "evidence-line",
    type: "line",
    source: "evidence",
    filter: ["==", ["geometry-type"], "LineString"],
    paint: { "line-color": ["case", ["==", ["get", "role"], "other"], "#d9730d", "#c0231a"], "line-width": 3.5 },
  });
  map.addLayer({
    id: "evidence-points",
    type: "circle",
    source: "evidence",
    filter: ["==", ["geometry-type"], "Point"],
    paint: {
      "circle-radius": ["case", ["==", ["get", "role"], "focus"], 14, 3.5],
      "circle-color": ["case", ["==", ["get", "role"], "focus"], "rgba(192,35,26,0.12)", ["==", ["get", "role"], "other"], "#d9730d", "#c0231a"],
      "circle-stroke-color": "#c0231a",
      "circle-stroke-width": ["case", ["==", ["get", "role"], "focus"], 2.5, 0],
    },
  });
  map.addLayer({
    id: "alerts",
    type: "circle",
    source: "alerts",
    paint: {
      "circle-radius": ["case", ["get", "selected"], 10, 7],
      "circle-color": "rgba(0,0,0,0)",
      "circle-stroke-color": "#c0231a",
      "circle-stroke-width": ["case", ["get", "selected"], 3, 2],
    },
  });
  map.addLayer({
    id: "vessels",
    type: "symbol",
    source: "vessels",
    layout: {
      "icon-image": ["case", ["get", "selected"], ["concat", "vessel-", ["get", "category"], "-selected"], ["concat", "vessel-", ["get", "category"]]],
      "icon-rotate": ["get", "cog"],
      "icon-rotation-alignment": "map",
      "icon-allow-overlap": true,
      "icon-ignore-placement": true,
      "icon-size": ["interpolate", ["linear"], ["zoom"], 3, 0.55, 8, 0.9, 12, 1.1],
    },
  });
  map.addLayer({ id: "draft-line", type: "line", source: "draft", filter: ["==", ["geometry-type"], "LineString"], paint: { "line-color": "#f0b429", "line-width": 2.5 } });
  map.addLayer({ id: "draft-points", type: "circle", source: "draft", filter: ["==", ["geometry-type"], "Point"], paint: { "circle-radius": 5, "circle-color": "#f0b429", "circle-stroke-color": "#12324f", "circle-stroke-width": 1.5 } });

  const refresh = {
    vessels: () => map.getSource("vessels").setData(vesselFeatures()),
    alerts: () => map.getSource("alerts").setData(alertFeatures()),
    areas: () => map.getSource("areas").setData(areaFeatures()),
    draft: () => map.getSource("draft").setData(draftFeatures()),
    evidence: () => map.getSource("evidence").setData(state.evidence),
    track: () => map.getSource("track").setData(state.track),
  };
  const ui = makeUi(map, refresh, maplibregl);

  await Promise.all([ui.loadSources(), ui.loadVessels(), ui.loadAlerts(), ui.loadAreas()]);
  connect(ui);
  // Vessels move many times a second; the map is redrawn at most twice a second.
  setInterval(() => {
    if (state.dirty) {
      state.dirty = false;
      refresh.vessels();
      ui.showCount();
    }
  }, 500);
  // Names and types arrive with static reports, which the stream does not carry.
  setInterval(() => ui.loadVessels().catch(() => {}), 60_000);
  window.interdictMap.ready = true;
}

function connect(ui) {
  const stream = new EventSource("/map/data/stream");
  stream.addEventListener("open", () => setStatus("live"));
  stream.addEventListener("error", () => setStatus("offline"));
  stream.addEventListener("position", (event) => {
    const p = JSON.parse(event.data);
    const vessel = state.vessels.get(p.mmsi) || { mmsi: p.mmsi, agencies: new Set(), category: "unknown" };
    const at = Date.parse(p.at);
    if (!vessel.at || at >= vessel.at) {
      vessel.lat = p.lat;
      vessel.lon = p.lon;
      vessel.at = at;
      vessel.cog = p.cog ?? vessel.cog;
      vessel.sog = p.sog ?? vessel.sog;
    }
    if (p.name) vessel.name = p.name;
    const agency = state.sources.get(p.source);
    if (agency) vessel.agencies.add(agency);
    state.vessels.set(p.mmsi, vessel);
    state.positionEvents += 1;
    state.dirty = true;
  });
  stream.addEventListener("alert", (event) => {
    const alert = JSON.parse(event.data);
    if (alert.removed) state.alerts.delete(alert.id);
    else state.alerts.set(alert.id, alert);
    ui.renderAlerts(alert.removed ? null : alert.id);
  });
}

function makeUi(map, refresh, maplibregl) {
  const list = document.getElementById("alert-list");
  const areaList = document.getElementById("area-list");
  const agencySelect = document.getElementById("filter-agency");

  for (const id of ["filter-agency", "filter-type", "filter-kind"]) {
    document.getElementById(id).addEventListener("change", () => {
      refresh.vessels();
      refresh.alerts();
      ui.renderAlerts();
      ui.showCount();
    });
  }

  const hover = new maplibregl.Popup({ closeButton: false, closeOnClick: false, offset: 12, className: "map-hover" });
  map.on("mouseenter", "vessels", (e) => {
    map.getCanvas().style.cursor = "pointer";
    const p = e.features[0].properties;
    hover.setLngLat(e.features[0].geometry.coordinates).setText(`${p.name || t("map.unnamed")} · ${p.mmsi}`).addTo(map);
  });
  map.on("mouseleave", "vessels", () => {
    map.getCanvas().style.cursor = state.drawing ? "crosshair" : "";
    hover.remove();
  });
  map.on("click", "vessels", (e) => {
    if (state.drawing) return;
    ui.selectVessel(Number(e.features[0].properties.mmsi));
  });
  map.on("click", "alerts", (e) => {
    if (state.drawing) return;
    const alert = state.alerts.get(e.features[0].properties.id);
    if (alert) ui.selectAlert(alert);
  });
  map.on("click", (e) => {
    if (!state.drawing) return;
    state.draft.push([e.lngLat.lng, e.lngLat.lat]);
    refresh.draft();
  });

  document.getElementById("vessel-close").addEventListener("click", () => {
    state.selectedVessel = null;
    state.track = { type: "FeatureCollection", features: [] };
    refresh.track();
    state.dirty = true;
    document.getElementById("vessel-panel").hidden = true;
  });
  document.getElementById("alert-close").addEventListener("click", () => {
    state.selectedAlert = null;
    state.evidence = { type: "FeatureCollection", features: [] };
    refresh.evidence();
    refresh.alerts();
    document.getElementById("alert-panel").hidden = true;
    ui.renderAlerts();
  });

  setUpDrawing(map, refresh, () => ui.loadAreas());

  const ui = {
    async loadSources() {
      const sources = await getJson("/map/data/sources");
      const agencies = new Set();
      for (const source of sources) {
        state.sources.set(source.id, source.agency);
        agencies.add(source.agency);
      }
      for (const agency of [...agencies].sort()) {
        agencySelect.append(el("option", { value: agency, text: agency }));
      }
    },

    async loadVessels() {
      const bodies = await getJson("/map/data/vessels");
      for (const body of bodies) {
        state.vessels.set(body.mmsi, vesselFromBody(body, state.vessels.get(body.mmsi)));
      }
      state.dirty = true;
    },

    async loadAlerts() {
      const page = await getJson("/map/data/alerts?limit=200");
      for (const alert of page.items) state.alerts.set(alert.id, alert);
      ui.renderAlerts();
    },

    async loadAreas() {
      state.areas = await getJson("/map/data/areas");
      refresh.areas();
      ui.renderAreas();
    },

    showCount() {
      const f = filters();
      let n = 0;
      for (const vessel of state.vessels.values()) if (vesselShown(vessel, f)) n += 1;
      document.getElementById("vessel-count").textContent = `${n} ${t("map.vessels_shown")}`;
    },

    renderAlerts(fresh) {
      const f = filters();
      const alerts = [...state.alerts.values()]
        .filter((a) => alertShown(a, f))
        .sort((a, b) => Date.parse(b.start) - Date.parse(a.start));
      document.getElementById("alert-count").textContent = `(${alerts.length})`;
      list.replaceChildren();
      if (alerts.length === 0) list.append(el("li", { class: "empty", text: t("map.no_alerts") }));
      for (const alert of alerts) {
        const vessel = alert.vessel_name ? `${alert.vessel_name} (${alert.mmsi})` : `MMSI ${alert.mmsi}`;
        const item = el(
          "li",
          {
            "data-alert-id": alert.id,
            "data-kind": alert.kind,
            class: ["map-alert", `kind-${alert.kind}`, alert.id === state.selectedAlert ? "selected" : "", alert.id === fresh ? "fresh" : ""].join(" "),
          },
          el(
            "button",
            { type: "button", class: "map-alert-button", onclick: () => ui.selectAlert(alert) },
            el("span", { class: "map-alert-kind", text: t(`alert.${alert.kind}`) }),
            el("span", { class: "map-alert-vessel", text: alert.other_mmsi ? `${vessel} / ${alert.other_mmsi}` : vessel }),
            el(
              "span",
              { class: "map-alert-meta" },
              el("span", { class: `alert-state state-${alert.state}`, text: t(`alert_state.${alert.state}`) }),
              ` ${formatTime(alert.start)} · ${alert.agency}`,
            ),
          ),
        );
        list.append(item);
      }
      refresh.alerts();
    },

    renderAreas() {
      areaList.replaceChildren();
      if (state.areas.length === 0) areaList.append(el("li", { class: "empty", text: t("map.no_areas") }));
      const mayManage = Boolean(document.getElementById("area-draw"));
      for (const area of state.areas) {
        const zoom = () => fitTo(map, areaFeatures().features.filter((f) => f.properties.id === area.id).flatMap((f) => coordinatesOf(f.geometry)));
        const item = el(
          "li",
          { "data-area-id": area.id, class: "map-area" },
          el("button", { type: "button", class: "link-button", onclick: zoom, text: area.name }),
          el("span", { class: "muted small", text: ` ${area.agency} · TLP:${area.tlp}` }),
        );
        if (mayManage && area.agency === app.dataset.agency) {
          item.append(
            el("button", {
              type: "button",
              class: "link-button danger map-area-delete",
              text: t("map.delete"),
              onclick: async () => {
                if (!window.confirm(t("map.delete_confirm"))) return;
                const response = await fetch(`/map/data/areas/${area.id}`, { method: "DELETE", headers: { "x-csrf-token": app.dataset.csrf } });
                if (response.ok) await ui.loadAreas();
                else window.alert(`${t("map.error")}: ${response.status}`);
              },
            }),
          );
        }
        areaList.append(item);
      }
    },

    async selectVessel(mmsi) {
      state.selectedVessel = mmsi;
      state.dirty = true;
      const vessel = state.vessels.get(mmsi) || { mmsi, agencies: new Set() };
      const to = new Date(Math.max(Date.now(), vessel.at || 0) + 60_000);
      const from = new Date(to.getTime() - DAY_MS);
      let detail;
      try {
        detail = await getJson(`/map/data/vessels/${mmsi}?from=${from.toISOString()}&to=${to.toISOString()}`);
      } catch (error) {
        detail = { states: [], track: [], records: [], identity: [] };
      }
      if (state.selectedVessel !== mmsi) return;
      for (const body of detail.states) vesselFromBody(body, vessel);
      const track = [...detail.track].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
      state.track = {
        type: "FeatureCollection",
        features: track.length >= 2 ? [{ type: "Feature", geometry: { type: "LineString", coordinates: track.map((p) => [p.lon, p.lat]) }, properties: {} }] : [],
      };
      refresh.track();
      showVessel(vessel, detail, track.length);
    },

    async selectAlert(alert) {
      state.selectedAlert = alert.id;
      ui.renderAlerts();
      showAlert(alert, (mmsi) => ui.selectVessel(mmsi));
      const start = Date.parse(alert.start);
      const end = alert.end ? Date.parse(alert.end) : Math.max(Date.now(), start);
      const margin = 30 * 60 * 1000;
      const window_ = `from=${new Date(start - margin).toISOString()}&to=${new Date(end + margin).toISOString()}`;
      const features = [{ type: "Feature", geometry: { type: "Point", coordinates: [alert.lon, alert.lat] }, properties: { role: "focus" } }];
      const vessels = [[alert.mmsi, "vessel"]];
      if (alert.other_mmsi) vessels.push([alert.other_mmsi, "other"]);
      for (const [mmsi, role] of vessels) {
        try {
          const detail = await getJson(`/map/data/vessels/${mmsi}?${window_}`);
          const track = [...detail.track].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
          if (track.length >= 2) {
            features.push({ type: "Feature", geometry: { type: "LineString", coordinates: track.map((p) => [p.lon, p.lat]) }, properties: { role, mmsi } });
          }
          for (const p of track) {
            features.push({ type: "Feature", geometry: { type: "Point", coordinates: [p.lon, p.lat] }, properties: { role, mmsi } });
          }
        } catch {
          // A vessel whose track this user may not see draws nothing.
        }
      }
      for (const point of evidencePoints(alert.evidence)) {
        features.push({ type: "Feature", geometry: { type: "Point", coordinates: point }, properties: { role: "vessel" } });
      }
      if (state.selectedAlert !== alert.id) return;
      state.evidence = { type: "FeatureCollection", features };
      refresh.evidence();
      fitTo(map, features.flatMap((f) => coordinatesOf(f.geometry)));
    },
  };
  return ui;
}

// Positions named in an alert's evidence (a gap's last position, the first positions of
// an encounter, the first jump of an identity anomaly).
function evidencePoints(evidence) {
  const points = [];
  if (!evidence || typeof evidence !== "object") return points;
  const last = evidence.last_position;
  if (last && typeof last.lat === "number") points.push([last.lon, last.lat]);
  const first = evidence.first_positions;
  if (Array.isArray(first)) {
    for (const p of first) if (Array.isArray(p) && p.length === 2) points.push([p[1], p[0]]);
  }
  return points.filter(([lon, lat]) => Math.abs(lat) <= 90 && Math.abs(lon) <= 180);
}

function coordinatesOf(geometry) {
  switch (geometry.type) {
    case "Point":
      return [geometry.coordinates];
    case "LineString":
      return geometry.coordinates;
    case "Polygon":
      return geometry.coordinates.flat();
    case "MultiPolygon":
      return geometry.coordinates.flat(2);
    default:
      return [];
  }
}

function fitTo(map, coordinates) {
  if (coordinates.length === 0) return;
  let [west, south, east, north] = [180, 90, -180, -90];
  for (const [lon, lat] of coordinates) {
    west = Math.min(west, lon);
    east = Math.max(east, lon);
    south = Math.min(south, lat);
    north = Math.max(north, lat);
  }
  if (east - west < 0.05 && north - south < 0.05) {
    map.flyTo({ center: [(west + east) / 2, (south + north) / 2], zoom: 10 });
  } else {
    map.fitBounds([[west, south], [east, north]], { padding: 60, maxZoom: 11 });
  }
}

function facts(list, rows) {
  list.replaceChildren();
  for (const [label, value] of rows) {
    if (value === null || value === undefined || value === "") continue;
    list.append(el("dt", { text: label }));
    list.append(typeof value === "string" ? el("dd", { text: value }) : el("dd", {}, value));
  }
}

function showVessel(vessel, detail, nTrack) {
  const identity = vessel.identity || {};
  const panel = document.getElementById("vessel-panel");
  panel.hidden = false;
  panel.closest(".map-side").scrollTo({ top: 0 });
  panel.dataset.mmsi = vessel.mmsi;
  document.getElementById("vessel-title").textContent = vessel.name || `${t("map.vessel")} ${vessel.mmsi}`;
  const speed = vessel.sog !== undefined && vessel.sog !== null ? `${Number(vessel.sog).toFixed(1)} kn / ${Math.round(vessel.cog ?? 0)}°` : "";
  const type = identity.ship_type ? `${t(`map.type.${vessel.category}`)} (${identity.ship_type})` : t("map.type.unknown");
  facts(document.getElementById("vessel-facts"), [
    [t("map.name"), vessel.name || t("map.unnamed")],
    [t("map.mmsi"), String(vessel.mmsi)],
    [t("map.imo"), identity.imo ? String(identity.imo) : ""],
    [t("map.callsign"), identity.callsign || ""],
    [t("map.flag"), vessel.mid ? `${t("map.flag_mid")} ${vessel.mid}` : ""],
    [t("map.type"), type],
    [t("map.destination"), identity.destination || ""],
    [t("map.last_seen"), vessel.at ? formatTime(vessel.at) : ""],
    [t("map.position"), formatPosition(vessel.lat, vessel.lon)],
    [t("map.speed"), speed],
    [t("map.agency"), [...vessel.agencies].sort().join(", ")],
    [t("map.track_points"), String(nTrack)],
  ]);
  const records = document.getElementById("vessel-records");
  records.replaceChildren();
  if (!detail.records || detail.records.length === 0) {
    records.append(el("li", { class: "empty", text: t("map.no_records") }));
  }
  for (const hit of detail.records || []) {
    const href = hit.kind === "report" ? `/reports/${hit.id}` : hit.kind === "seizure" ? `/seizures/${hit.id}` : null;
    records.append(
      el("li", {}, href ? el("a", { href, text: hit.title }) : el("span", { text: hit.title }), el("span", { class: "muted", text: ` · ${hit.agency} · TLP:${hit.tlp}` })),
    );
  }
  const search = document.getElementById("vessel-search");
  search.replaceChildren();
  if (identity.imo) {
    search.append(el("a", { href: `/search?q=${encodeURIComponent(identity.imo)}`, text: t("map.search_imo") }), " · ");
  }
  search.append(el("a", { href: `/search?q=${encodeURIComponent(String(vessel.mmsi).padStart(9, "0"))}`, text: t("map.search_mmsi") }));
}

function showAlert(alert, selectVessel) {
  const panel = document.getElementById("alert-panel");
  panel.hidden = false;
  panel.closest(".map-side").scrollTo({ top: 0 });
  panel.dataset.alertId = alert.id;
  document.getElementById("alert-title").textContent = t(`alert.${alert.kind}`);
  // The swatch says which line on the map is which vessel's track.
  const vesselLink = (mmsi, name, role) =>
    el(
      "span",
      { class: "vessel-ref" },
      el("span", { class: `swatch swatch-${role}`, "aria-hidden": "true" }),
      el("button", { type: "button", class: "link-button", onclick: () => selectVessel(mmsi), text: name ? `${name} (${mmsi})` : String(mmsi) }),
    );
  facts(document.getElementById("alert-evidence"), flatten(alert.evidence || {}, ""));
  facts(document.getElementById("alert-facts"), [
    [t("map.vessel"), vesselLink(alert.mmsi, alert.vessel_name, "vessel")],
    [t("map.other_vessel"), alert.other_mmsi ? vesselLink(alert.other_mmsi, null, "other") : ""],
    [t("map.started"), formatTime(alert.start)],
    [t("map.ended"), alert.end ? formatTime(alert.end) : t("map.ongoing")],
    [t("map.position"), formatPosition(alert.lat, alert.lon)],
    [t("map.state"), t(`alert_state.${alert.state}`)],
    [t("map.agency"), `${alert.agency} · TLP:${alert.handling.tlp}`],
  ]);
}

// An alert's evidence as rows of `path: value`, nested objects spelled out.
function flatten(value, path) {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([key, inner]) => flatten(inner, path ? `${path}.${key}` : key));
  }
  const round = (v) => (typeof v === "number" && !Number.isInteger(v) ? Number(v.toFixed(4)) : v);
  const text = Array.isArray(value) ? JSON.stringify(value, (_, v) => round(v)) : String(round(value));
  return [[path, text]];
}

function setUpDrawing(map, refresh, reloadAreas) {
  const drawButton = document.getElementById("area-draw");
  if (!drawButton) return;
  const bar = document.getElementById("draw-bar");
  const form = document.getElementById("area-form");
  const problem = document.getElementById("area-problem");
  const stop = () => {
    state.drawing = false;
    state.draft = [];
    refresh.draft();
    bar.hidden = true;
    form.hidden = true;
    drawButton.hidden = false;
    problem.hidden = true;
    map.getCanvas().style.cursor = "";
    map.doubleClickZoom.enable();
  };
  drawButton.addEventListener("click", () => {
    state.drawing = true;
    state.draft = [];
    refresh.draft();
    bar.hidden = false;
    drawButton.hidden = true;
    map.getCanvas().style.cursor = "crosshair";
    map.doubleClickZoom.disable();
  });
  document.getElementById("draw-cancel").addEventListener("click", stop);
  document.getElementById("area-cancel").addEventListener("click", stop);
  document.getElementById("draw-finish").addEventListener("click", () => {
    if (state.draft.length < 3) {
      problem.textContent = t("map.draw_too_few");
      problem.hidden = false;
      form.hidden = false;
      return;
    }
    state.drawing = false;
    map.getCanvas().style.cursor = "";
    bar.hidden = true;
    form.hidden = false;
    problem.hidden = true;
    document.getElementById("area-name").focus();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (state.draft.length < 3) {
      problem.textContent = t("map.draw_too_few");
      problem.hidden = false;
      return;
    }
    const ring = [...state.draft, state.draft[0]];
    const body = {
      name: document.getElementById("area-name").value,
      tlp: document.getElementById("area-tlp").value,
      geojson: { type: "Polygon", coordinates: [ring] },
    };
    const response = await fetch("/map/data/areas", {
      method: "POST",
      headers: { "content-type": "application/json", "x-csrf-token": app.dataset.csrf },
      body: JSON.stringify(body),
    });
    if (!response.ok) {
      let message = `${t("map.error")} (${response.status})`;
      try {
        const error = (await response.json()).error;
        const fields = Object.entries(error.fields || {}).map(([k, v]) => `${k}: ${v}`);
        message = fields.length ? fields.join("; ") : error.message;
      } catch {
        // keep the status
      }
      problem.textContent = message;
      problem.hidden = false;
      return;
    }
    document.getElementById("area-name").value = "";
    stop();
    await reloadAreas();
  });
}

if (app) {
  start(app).catch((error) => {
    console.error(error);
    setStatus("offline", String(error));
  });
}
