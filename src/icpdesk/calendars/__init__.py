"""Holiday schedules loaded by administrators, merged over the built-in working-day calendar."""
