-- The buckets `b` of a period (periods.periodBuckets): whole years, the whole months before and after
-- them, the days before and after those. Empty ranges have from = to.
((b.grain = 'year' and b.bucket >= :yearFrom::date and b.bucket < :yearTo::date)
  or (b.grain = 'month' and ((b.bucket >= :headMonthFrom::date and b.bucket < :headMonthTo::date)
    or (b.bucket >= :tailMonthFrom::date and b.bucket < :tailMonthTo::date)))
  or (b.grain = 'day' and ((b.bucket >= :headFrom::date and b.bucket < :headTo::date)
    or (b.bucket >= :tailFrom::date and b.bucket < :tailTo::date))))
