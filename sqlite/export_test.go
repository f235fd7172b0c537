package sqlite

// SetPlan shrinks the event planner's count cap and forces a plan ("" to
// choose, "walk" or "driver"; see planEvents) so that tests on small data
// run every plan.
func SetPlan(db *DB, planCap int, force string) { db.planCap, db.forcePlan = planCap, force }
