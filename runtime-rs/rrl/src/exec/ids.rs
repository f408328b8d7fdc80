//! Operation ids (docs/language.md, "Execution semantics"): every region
//! numbers the operations it waits on from 0; the root's operation k is `k`,
//! branch i of the parallel block P is the region `P[i]`, whose operation k
//! is `P[i].k`.

/// The id of operation `index` of the region at `region`.
pub fn operation_id(region: &str, index: u64) -> String {
    if region.is_empty() {
        index.to_string()
    } else {
        format!("{region}.{index}")
    }
}

/// The region an operation belongs to: `2[1].0` → `2[1]`, `3` → ``.
pub fn region_of(operation: &str) -> &str {
    operation.rsplit_once('.').map_or("", |(region, _)| region)
}

/// The path of branch `index` of the parallel block `operation`.
pub fn branch_path(operation: &str, index: usize) -> String {
    format!("{operation}[{index}]")
}

/// `P[i]` → (P, i).
pub fn branch_of(path: &str) -> (&str, usize) {
    let (operation, index) = path.rsplit_once('[').unwrap_or(("", "0]"));
    let index = index.strip_suffix(']').unwrap_or(index);
    (operation, index.parse().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_name_their_place_in_the_program() {
        assert_eq!(operation_id("", 2), "2");
        assert_eq!(operation_id("2[1]", 0), "2[1].0");
        assert_eq!(region_of("2[1].0"), "2[1]");
        assert_eq!(region_of("3"), "");
        assert_eq!(branch_of("2[1].0[12]"), ("2[1].0", 12));
        assert_eq!(branch_path("2[1].0", 3), "2[1].0[3]");
    }
}
