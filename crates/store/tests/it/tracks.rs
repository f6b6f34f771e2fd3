//! Track points: the hours moved into chunks read back as they were written, whether a
//! point sits in a chunk or still in the table of recent points, and points that come
//! late or twice are merged as a second insert would be.

use interdict_core::Tlp;
use interdict_store::{BoundingBox, MaritimeBatch, SourceRow, Store, TrackRow};
use uuid::Uuid;

use crate::fixtures::*;

async fn source(store: &Store, agency: &str) -> Uuid {
    let row = SourceRow {
        id: Uuid::new_v4(),
        agency: code(agency),
        name: format!("{agency} receiver"),
        kind: "file".into(),
        address: "/dev/null".into(),
        tlp: Tlp::Amber,
        enabled: true,
        created_by: "kcg.operator".into(),
        created_at: at(0),
    };
    store
        .create_source(&row, &event("source.create"))
        .await
        .unwrap();
    row.id
}

/// A vessel's point at `t`, along a line north-east from 34° N 128° E.
fn point(source: Uuid, mmsi: i64, t: i64) -> TrackRow {
    TrackRow {
        source,
        mmsi,
        t,
        lat: 34.0 + (t % 100_000) as f64 * 1e-5,
        lon: 128.0 + (mmsi % 7) as f64 * 0.1 + (t % 100_000) as f64 * 1e-5,
        sog: (t % 3 != 0).then_some(11.5),
        cog: (t % 3 != 0).then_some(45.0),
        heading: (t % 5 != 0).then_some(44),
    }
}

async fn write(store: &Store, points: Vec<TrackRow>) {
    store
        .write_maritime(&MaritimeBatch {
            track: points,
            ..MaritimeBatch::default()
        })
        .await
        .unwrap();
}

const FAR: i64 = 1 << 40;

fn area() -> BoundingBox {
    BoundingBox {
        south: 34.42,
        west: 128.0,
        north: 34.47,
        east: 129.5,
    }
}

backend_tests! {
    async fn chunks_read_back_as_points(store: Store) {
        seed_agencies(&store).await;
        let a = source(&store, "KR-KCG").await;
        let b = source(&store, "KR-KCS").await;
        // Three vessels every 173 s over five hours; the second source sees one of them.
        let mut all = Vec::new();
        for mmsi in [440_000_001_i64, 440_000_002, 441_000_003] {
            let mut t = 36_000;
            while t < 36_000 + 5 * 3_600 {
                all.push(point(a, mmsi, t));
                t += 173;
            }
        }
        let seen_by_b: Vec<TrackRow> = all
            .iter()
            .filter(|p| p.mmsi == 440_000_001)
            .map(|p| TrackRow { source: b, ..p.clone() })
            .collect();
        write(&store, all.clone()).await;
        write(&store, seen_by_b.clone()).await;
        let before_track = store.track(&[a, b], 440_000_001, 0, FAR, 10_000).await.unwrap();
        let before_area = store.tracks_in_area(&[a, b], area(), 40_000, 50_000, 10_000).await.unwrap();
        assert!(!before_area.is_empty());

        // Hours before 14:00 into chunks, for source a only.
        let moved = store.compact_tracks(a, 50_400).await.unwrap();
        assert_eq!(moved, all.iter().filter(|p| p.t < 50_400).count());
        assert_eq!(store.compact_tracks(a, 50_400).await.unwrap(), 0, "nothing left to move");
        assert_eq!(store.track(&[a, b], 440_000_001, 0, FAR, 10_000).await.unwrap(), before_track);
        assert_eq!(
            store.tracks_in_area(&[a, b], area(), 40_000, 50_000, 10_000).await.unwrap(),
            before_area
        );

        // A window inside a chunk, limits, and a source the reader may not see.
        let window = store.track(&[a], 440_000_002, 40_000, 41_000, 10_000).await.unwrap();
        let expected: Vec<TrackRow> = all
            .iter()
            .filter(|p| p.mmsi == 440_000_002 && (40_000..=41_000).contains(&p.t))
            .cloned()
            .collect();
        assert_eq!(window, expected);
        assert_eq!(store.track(&[a], 440_000_002, 0, FAR, 3).await.unwrap(), all.iter().filter(|p| p.mmsi == 440_000_002).take(3).cloned().collect::<Vec<_>>());
        assert!(store.track(&[b], 440_000_002, 0, FAR, 100).await.unwrap().is_empty());
        let only_b = store.tracks_in_area(&[b], area(), 0, FAR, 10_000).await.unwrap();
        assert!(only_b.iter().all(|p| p.source == b && p.mmsi == 440_000_001));
        // Every point in the area and window, by vessel and time, and no other.
        let mut expected: Vec<TrackRow> = all
            .iter()
            .chain(&seen_by_b)
            .filter(|p| (40_000..=50_000).contains(&p.t) && area().contains(p.lat, p.lon))
            .cloned()
            .collect();
        expected.sort_by_key(|p| (p.mmsi, p.t, p.source));
        assert_eq!(before_area, expected);
    }

    async fn late_and_repeated_points_merge_into_their_chunk(store: Store) {
        seed_agencies(&store).await;
        let a = source(&store, "KR-KCG").await;
        let mmsi = 440_000_001;
        let first: Vec<TrackRow> = (0..20).map(|i| point(a, mmsi, 7_200 + i * 173)).collect();
        write(&store, first.clone()).await;
        store.compact_tracks(a, 10_800).await.unwrap();
        // A point that came late for that hour, and one already in the chunk again with
        // other values: the stored one stays, as an insert of the same point would.
        let late = point(a, mmsi, 7_201);
        let mut again = first[3].clone();
        again.lat = 0.0;
        write(&store, vec![late.clone(), again]).await;
        assert_eq!(store.track(&[a], mmsi, 0, FAR, 100).await.unwrap().len(), 21);
        assert_eq!(store.compact_tracks(a, 10_800).await.unwrap(), 2);
        let mut expected = first.clone();
        expected.push(late);
        expected.sort_by_key(|p| p.t);
        assert_eq!(store.track(&[a], mmsi, 0, FAR, 100).await.unwrap(), expected);
    }
}

backend_tests! {
    async fn recent_points_read_by_minute_whatever_their_span(store: Store) {
        seed_agencies(&store).await;
        let a = source(&store, "KR-KCG").await;
        // Two vessels reporting every 10 s for twenty minutes, then one point of each
        // five days later: the minutes held span more than are sought one by one.
        let (one, two) = (440_000_001_i64, 440_000_002_i64);
        let mut all = Vec::new();
        for t in (100_000..101_200).step_by(10) {
            all.push(point(a, one, t));
            all.push(point(a, two, t + 5));
        }
        write(&store, all.clone()).await;
        let only = |all: &[TrackRow], mmsi: i64, from: i64, to: i64| -> Vec<TrackRow> {
            all.iter()
                .filter(|p| p.mmsi == mmsi && p.t >= from && p.t <= to)
                .cloned()
                .collect()
        };
        assert_eq!(store.track(&[a], one, 0, FAR, 10_000).await.unwrap(), only(&all, one, 0, FAR));
        assert_eq!(
            store.track(&[a], two, 100_333, 100_725, 10_000).await.unwrap(),
            only(&all, two, 100_333, 100_725)
        );
        assert!(store.track(&[a], two, 0, 99_999, 10_000).await.unwrap().is_empty());
        assert_eq!(store.track(&[a], one, 0, FAR, 7).await.unwrap(), only(&all, one, 0, FAR)[..7]);

        let later = vec![point(a, one, 100_000 + 5 * 86_400), point(a, two, 100_001 + 5 * 86_400)];
        write(&store, later.clone()).await;
        all.extend(later);
        assert_eq!(store.track(&[a], one, 0, FAR, 10_000).await.unwrap(), only(&all, one, 0, FAR));
        assert_eq!(
            store.track(&[a], two, 100_333, FAR, 10_000).await.unwrap(),
            only(&all, two, 100_333, FAR)
        );

        // The compaction moves whole minutes before the hour given, and only them.
        let moved = store.compact_tracks(a, 100_800).await.unwrap();
        assert_eq!(moved, all.iter().filter(|p| p.t < 100_800).count());
        assert_eq!(store.track(&[a], one, 0, FAR, 10_000).await.unwrap(), only(&all, one, 0, FAR));
        assert_eq!(store.compact_tracks(a, FAR).await.unwrap(), all.len() - moved);
        assert_eq!(store.track(&[a], two, 0, FAR, 10_000).await.unwrap(), only(&all, two, 0, FAR));
    }
}

backend_tests! {
    async fn compaction_goes_a_few_vessels_at_a_time(store: Store) {
        seed_agencies(&store).await;
        let a = source(&store, "KR-KCG").await;
        // 25 vessels over two hours, each every 7 minutes from its own second; the first
        // three are silent in the latest minutes, which choose where the steps stop.
        let vessels: Vec<i64> = (0..25).map(|i| 440_000_000 + i * 37).collect();
        let mut all = Vec::new();
        for (i, mmsi) in vessels.iter().enumerate() {
            let mut t = 7_200 + i as i64;
            while t < 14_400 {
                if i >= 3 || t < 7_200 + 3_000 {
                    all.push(point(a, *mmsi, t));
                }
                t += 420;
            }
        }
        // The last minute of each hour: every vessel but the first three.
        for mmsi in &vessels[3..] {
            all.push(point(a, *mmsi, 10_790));
            all.push(point(a, *mmsi, 14_390));
        }
        write(&store, all.clone()).await;
        let tracks = |store: Store| async move {
            let mut out = Vec::new();
            for mmsi in 440_000_000..440_000_000 + 25 * 37 {
                out.extend(store.track(&[a], mmsi, 0, FAR, 10_000).await.unwrap());
            }
            out
        };
        let before = tracks(store.clone()).await;
        assert_eq!(before.len(), all.len());

        // Steps of four vessels: each moves about four vessels' hour, and says where the
        // next starts; the first step also takes the three silent at the end.
        let mut at = None;
        let mut steps = Vec::new();
        loop {
            let step = store.compact_step(a, 14_400, at, 4).await.unwrap();
            if at.is_none() && step.moved == 0 && step.next.is_none() {
                break;
            }
            steps.push(step);
            if steps.len() == 2 {
                // A point that comes late for a vessel already moved is moved too,
                // once the hour comes round again.
                write(&store, vec![point(a, vessels[0], 7_203)]).await;
                all.push(point(a, vessels[0], 7_203));
            }
            at = step.next;
            assert!(steps.len() < 40, "compaction does not end: {steps:?}");
        }
        // Two hours of 25 vessels, four at a time (seven in the first step of each), and
        // the late point.
        assert!(steps.len() >= 13, "steps: {steps:?}");
        for step in &steps {
            assert!(step.moved <= 7 * 10 + 14, "a step moved {} points", step.moved);
        }
        assert_eq!(steps.iter().map(|s| s.moved).sum::<usize>(), all.len());
        assert_eq!(store.compact_tracks(a, 14_400).await.unwrap(), 0, "nothing left to move");
        all.sort_by_key(|p| (p.mmsi, p.t));
        let after = tracks(store.clone()).await;
        assert_eq!(after, all);
    }
}
