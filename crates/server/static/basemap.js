// The base map of the node's map pages: sea, land and coastline from the Natural Earth
// land polygons served by the node, drawn by MapLibre GL JS (also served by the node).

export function baseStyle(land) {
  return {
    version: 8,
    sources: { land: { type: "geojson", data: land, attribution: "Natural Earth" } },
    layers: [
      { id: "sea", type: "background", paint: { "background-color": "#c9dced" } },
      { id: "land", type: "fill", source: "land", paint: { "fill-color": "#f2efe6" } },
      { id: "coast", type: "line", source: "land", paint: { "line-color": "#8a96a3", "line-width": 0.7 } },
    ],
  };
}

// MapLibre and the land polygons, from the addresses a page gives in its data
// attributes (`data-maplibre`, `data-land`).
export async function loadBase(dataset) {
  const [maplibregl, response] = await Promise.all([import(dataset.maplibre), fetch(dataset.land, { credentials: "same-origin" })]);
  if (!response.ok) throw new Error(`land polygons: ${response.status}`);
  const land = await response.json();
  return { maplibregl, land: window.topojson.feature(land, land.objects.land) };
}
