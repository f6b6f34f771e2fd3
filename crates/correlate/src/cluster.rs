//! Clustering of links into entities.
//!
//! Links are taken strongest first and join their clusters (connected
//! components). To keep one mistaken or weak link from chaining two entities
//! together, two clusters of more than one subject join only when the pairs
//! across them support it: the mean match probability over all pairs across
//! (compared directly, not only those that were linked) must reach
//! `min_support`. A strong link between singletons always joins.

/// A scored link between two subjects (by index).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Link {
    /// The first subject.
    pub a: u32,
    /// The second subject.
    pub b: u32,
    /// The match weight in bits.
    pub weight: f32,
}

/// Disjoint sets with union by size.
#[derive(Clone, Debug)]
pub struct DisjointSets {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl DisjointSets {
    /// `n` singletons.
    pub fn new(n: usize) -> DisjointSets {
        DisjointSets {
            parent: (0..n as u32).collect(),
            size: vec![1; n],
        }
    }

    /// The representative of `x`'s set.
    pub fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let grand = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = grand;
            x = grand;
        }
        x
    }

    /// The size of `x`'s set.
    pub fn size_of(&mut self, x: u32) -> u32 {
        let r = self.find(x);
        self.size[r as usize]
    }

    /// Joins the sets of `a` and `b`.
    pub fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return;
        }
        let (big, small) = if self.size[ra as usize] >= self.size[rb as usize] {
            (ra, rb)
        } else {
            (rb, ra)
        };
        self.parent[small as usize] = big;
        self.size[big as usize] += self.size[small as usize];
    }
}

/// Clusters `n` subjects from their links. `support(a_members, b_members)`
/// returns the mean match probability across two clusters; it is asked only
/// when both have more than one member and `min_support` is above zero.
/// Returns for each subject the smallest index in its cluster.
pub fn cluster(
    n: usize,
    links: &mut [Link],
    min_support: f64,
    mut support: impl FnMut(&[u32], &[u32]) -> f64,
) -> Vec<u32> {
    links.sort_by(|x, y| {
        y.weight
            .total_cmp(&x.weight)
            .then(x.a.cmp(&y.a))
            .then(x.b.cmp(&y.b))
    });
    let mut sets = DisjointSets::new(n);
    let mut members: Vec<Vec<u32>> = if min_support > 0.0 {
        (0..n as u32).map(|i| vec![i]).collect()
    } else {
        Vec::new()
    };
    for link in links.iter() {
        let (ra, rb) = (sets.find(link.a), sets.find(link.b));
        if ra == rb {
            continue;
        }
        if min_support > 0.0 {
            let (ma, mb) = (&members[ra as usize], &members[rb as usize]);
            if ma.len() > 1 || mb.len() > 1 {
                let s = support(ma, mb);
                if s < min_support {
                    continue;
                }
            }
        }
        sets.union(ra, rb);
        if min_support > 0.0 {
            let root = sets.find(ra);
            let other = if root == ra { rb } else { ra };
            let moved = std::mem::take(&mut members[other as usize]);
            members[root as usize].extend(moved);
        }
    }
    let mut smallest = vec![u32::MAX; n];
    for i in 0..n as u32 {
        let r = sets.find(i) as usize;
        smallest[r] = smallest[r].min(i);
    }
    (0..n as u32)
        .map(|i| {
            let r = sets.find(i) as usize;
            smallest[r]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connected_components_without_support() {
        let mut links = vec![
            Link {
                a: 0,
                b: 1,
                weight: 10.0,
            },
            Link {
                a: 1,
                b: 2,
                weight: 5.0,
            },
            Link {
                a: 3,
                b: 4,
                weight: 1.0,
            },
        ];
        let c = cluster(6, &mut links, 0.0, |_, _| 0.0);
        assert_eq!(c, vec![0, 0, 0, 3, 3, 5]);
    }

    #[test]
    fn weak_chain_between_clusters_is_refused() {
        let mut links = vec![
            Link {
                a: 0,
                b: 1,
                weight: 10.0,
            },
            Link {
                a: 2,
                b: 3,
                weight: 10.0,
            },
            Link {
                a: 1,
                b: 2,
                weight: 0.5,
            },
        ];
        let c = cluster(4, &mut links, 0.5, |_, _| 0.1);
        assert_eq!(c, vec![0, 0, 2, 2]);
        let c = cluster(4, &mut links, 0.5, |_, _| 0.9);
        assert_eq!(c, vec![0, 0, 0, 0]);
    }
}
