//! Disjoint sets (union-find) over indices `0..n`, as a plain parent vector: the grouping
//! behind connected ruled regions and spanning cells (`table::lattice`) and table families
//! (`series::family`).

/// The representative of `i`'s set (the smallest index joined with it), halving paths on
/// the way.
pub(crate) fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// Joins the sets of `a` and `b`; the smaller representative stays.
pub(crate) fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        parent[ra.max(rb)] = ra.min(rb);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_join_under_their_smallest_member() {
        let mut p: Vec<usize> = (0..5).collect();
        union(&mut p, 3, 4);
        union(&mut p, 4, 1);
        assert_eq!(find(&mut p, 3), 1);
        assert_eq!(find(&mut p, 0), 0);
        assert_eq!(find(&mut p, 2), 2);
    }
}
