select expire_stale_holds(@Limit)
