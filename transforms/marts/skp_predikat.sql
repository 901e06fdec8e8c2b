-- skp_predikat: one row per predikat kinerja, with the rank and the label in use.
-- grain: predikat
-- materialized: view
--
-- Columns: predikat (code), predikat_rank (5 Sangat Baik ... 1 Sangat Kurang), predikat_label.
-- Rule: PermenPANRB 6/2022 names the predikat; copies of the matrix differ on the wording of the
--   lowest one ("Sangat Kurang" or "Sangat Kurang/Misconduct"). data/reference/predikat_rank.csv
--   holds both; use_alternative = true picks label_alternative. The one place labels are chosen.
with predikat_rank as (
    select * from ref.predikat_rank
)
select
    predikat,
    rank::integer                                                           as predikat_rank,
    case when coalesce(try_cast(use_alternative as boolean), false) and coalesce(trim(label_alternative), '') <> ''
            then label_alternative
        else label
    end                              as predikat_label
from predikat_rank
