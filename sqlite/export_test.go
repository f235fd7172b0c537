package sqlite

// SetPlanLimits shrinks the event planner's thresholds (event.go) so that
// tests on small data run every plan.
func SetPlanLimits(db *DB, planCap, walkWindow int) { db.planCap, db.walkWindow = planCap, walkWindow }
