// The map of a joint operation: on the new-operation form, the area is drawn by
// clicking its corners (or read from an uploaded GeoJSON file) into the form's `area`
// field; on the operation centre, the area is shown with the vessels and alerts inside
// it that the server lets this user see, the operation's targets highlighted.
//
// Text from the data (vessel names) is only ever set with textContent or as map labels.

import { baseStyle, loadBase } from "./basemap.js";

const root = document.getElementById("op-map");
const data = document.getElementById("op-map-data");
let messages = {};
const t = (key) => messages[key] || key;
const empty = () => ({ type: "FeatureCollection", features: [] });

function polygonsOf(geojson) {
  if (!geojson) return [];
  switch (geojson.type) {
    case "Polygon":
      return [geojson.coordinates];
    case "MultiPolygon":
      return geojson.coordinates;
    case "Feature":
      return polygonsOf(geojson.geometry);
    case "FeatureCollection":
      return geojson.features.flatMap(polygonsOf);
    case "GeometryCollection":
      return geojson.geometries.flatMap(polygonsOf);
    default:
      return [];
  }
}

function areaFeatures(geojson) {
  return { type: "FeatureCollection", features: polygonsOf(geojson).map((coordinates) => ({ type: "Feature", properties: {}, geometry: { type: "Polygon", coordinates } })) };
}

function fit(map, geojson) {
  const points = polygonsOf(geojson).flat(2);
  if (!points.length) return;
  let [w, s, e, n] = [180, 90, -180, -90];
  for (const [lon, lat] of points) {
    w = Math.min(w, lon);
    e = Math.max(e, lon);
    s = Math.min(s, lat);
    n = Math.max(n, lat);
  }
  map.fitBounds([[w, s], [e, n]], { padding: 40, maxZoom: 10, duration: 0 });
}

function addAreaLayers(map) {
  map.addSource("area", { type: "geojson", data: empty() });
  map.addLayer({ id: "area-fill", type: "fill", source: "area", paint: { "fill-color": "#1f5fb0", "fill-opacity": 0.12 } });
  map.addLayer({ id: "area-line", type: "line", source: "area", paint: { "line-color": "#1f5fb0", "line-width": 2, "line-dasharray": [3, 2] } });
}

function drawMode(map) {
  const field = document.getElementById("area");
  const draft = [];
  let drawing = false;
  map.addSource("draft", { type: "geojson", data: empty() });
  map.addLayer({ id: "draft-line", type: "line", source: "draft", paint: { "line-color": "#c0231a", "line-width": 2 } });
  map.addLayer({ id: "draft-points", type: "circle", source: "draft", filter: ["==", ["geometry-type"], "Point"], paint: { "circle-radius": 4, "circle-color": "#c0231a" } });
  const showField = () => {
    let geojson = null;
    try {
      geojson = field.value.trim() ? JSON.parse(field.value) : null;
    } catch {
      geojson = null;
    }
    map.getSource("area").setData(areaFeatures(geojson));
    if (geojson) fit(map, geojson);
  };
  const showDraft = () => {
    const features = draft.map((p) => ({ type: "Feature", properties: {}, geometry: { type: "Point", coordinates: p } }));
    if (draft.length > 1) features.push({ type: "Feature", properties: {}, geometry: { type: "LineString", coordinates: [...draft, draft[0]] } });
    map.getSource("draft").setData({ type: "FeatureCollection", features });
    if (draft.length >= 3) {
      field.value = JSON.stringify({ type: "Polygon", coordinates: [[...draft, draft[0]].map(([x, y]) => [Math.round(x * 1e5) / 1e5, Math.round(y * 1e5) / 1e5])] });
      map.getSource("area").setData(areaFeatures(JSON.parse(field.value)));
    }
  };
  const drawButton = document.getElementById("op-draw");
  drawButton.addEventListener("click", () => {
    drawing = true;
    draft.length = 0;
    showDraft();
    map.getCanvas().style.cursor = "crosshair";
    map.doubleClickZoom.disable();
    drawButton.setAttribute("aria-pressed", "true");
  });
  document.getElementById("op-clear").addEventListener("click", () => {
    drawing = false;
    draft.length = 0;
    field.value = "";
    showDraft();
    showField();
    map.getCanvas().style.cursor = "";
    drawButton.setAttribute("aria-pressed", "false");
  });
  map.on("click", (event) => {
    if (!drawing) return;
    draft.push([event.lngLat.lng, event.lngLat.lat]);
    showDraft();
  });
  field.addEventListener("change", showField);
  const file = document.getElementById("area-file");
  file.addEventListener("change", async () => {
    const chosen = file.files[0];
    if (!chosen) return;
    field.value = await chosen.text();
    drawing = false;
    draft.length = 0;
    showDraft();
    showField();
  });
  showField();
  window.interdictOperationMap = { map, draft, ready: true };
}

async function showMode(map) {
  const response = await fetch(root.dataset.picture, { credentials: "same-origin", headers: { accept: "application/json" } });
  if (!response.ok) throw new Error(`picture: ${response.status}`);
  const picture = await response.json();
  map.getSource("area").setData(areaFeatures(picture.area));
  fit(map, picture.area);
  const points = (list, kind) =>
    list.map((item) => ({
      type: "Feature",
      properties: { kind, target: item.target, label: item.name || item.vessel_name || String(item.mmsi) },
      geometry: { type: "Point", coordinates: [item.lon, item.lat] },
    }));
  map.addSource("things", { type: "geojson", data: { type: "FeatureCollection", features: [...points(picture.vessels, "vessel"), ...points(picture.alerts, "alert")] } });
  map.addLayer({
    id: "things",
    type: "circle",
    source: "things",
    paint: {
      "circle-radius": ["case", ["get", "target"], 8, 5],
      "circle-color": ["case", ["==", ["get", "kind"], "alert"], "#c0231a", ["get", "target"], "#f0b429", "#12324f"],
      "circle-stroke-color": "#ffffff",
      "circle-stroke-width": 1.5,
    },
  });
  const legend = document.getElementById("op-map-legend");
  const targets = picture.vessels.filter((v) => v.target).length;
  legend.textContent = picture.vessels.length || picture.alerts.length
    ? `${t("op.map.vessel")}: ${picture.vessels.length} · ${t("op.map.alert")}: ${picture.alerts.length} · ${t("op.map.target")}: ${targets}`
    : t("op.map.none");
  window.interdictOperationMap = { map, picture, ready: true };
}

async function start() {
  messages = JSON.parse(data.dataset.i18n || "{}");
  const { maplibregl, land } = await loadBase(data.dataset);
  const map = new maplibregl.Map({
    container: root,
    style: baseStyle(land),
    center: [110, 12],
    zoom: 3.2,
    maxZoom: 14,
    attributionControl: { compact: false },
    dragRotate: false,
    pitchWithRotate: false,
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
  map.addControl(new maplibregl.ScaleControl({ unit: "nautical" }), "bottom-left");
  await new Promise((resolve) => map.once("load", resolve));
  addAreaLayers(map);
  if (root.dataset.mode === "draw") drawMode(map);
  else await showMode(map);
}

if (root && data) {
  start().catch((error) => {
    console.error(error);
    root.dataset.error = String(error);
  });
}
