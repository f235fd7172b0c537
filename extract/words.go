package extract

import "github.com/intelcell/intelcell/lex"

// Closed word classes. These are English grammar, not knowledge about the
// world, so they live in code rather than in the knowledge base.

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

var (
	determiners = set("a", "an", "the", "this", "these", "those", "another", "some", "several", "many", "all",
		"both", "each", "any", "its", "their", "his", "her", "our", "my", "your", "other", "such", "more", "most",
		"few", "no", "every", "either", "neither", "much", "one's")
	prepositions = set("of", "in", "on", "at", "with", "against", "for", "from", "to", "by", "into", "onto", "over",
		"under", "between", "among", "amongst", "near", "after", "before", "during", "since", "about", "across",
		"through", "toward", "towards", "without", "within", "including", "despite", "amid", "amidst", "via",
		"per", "outside", "inside", "upon", "behind", "beyond", "around", "along", "alongside", "throughout",
		"following", "like", "unlike", "than", "targeting", "versus", "vs", "off", "out", "up", "down", "as")
	conjunctions  = set("and", "or", "but", "nor", "yet", "so", "&")
	subordinators = set("that", "which", "who", "whom", "whose", "when", "while", "whereas", "because", "although",
		"though", "if", "unless", "where", "after", "before", "since", "until", "as", "whether")
	pronouns = set("he", "she", "they", "it", "we", "i", "you", "him", "them", "her", "us", "me", "who", "which",
		"itself", "themselves", "himself", "herself", "this", "that")
	beForms   = set("be", "is", "are", "was", "were", "been", "being", "'s", "'re", "'m", "am")
	haveForms = set("have", "has", "had", "having", "'ve", "'d")
	doForms   = set("do", "does", "did")
	modals    = set("will", "would", "shall", "should", "can", "could", "may", "might", "must", "'ll", "wo", "ca")
	// speculative modals state a possibility, not an act or an intent
	speculative = set("may", "might", "could", "can", "ca")
	negators    = set("not", "n't", "never", "no", "nobody", "nothing", "neither", "nor", "cannot")
	adverbs     = set("also", "meanwhile", "still", "already", "just", "reportedly", "allegedly", "now", "then",
		"again", "once", "later", "earlier", "recently", "previously", "further", "repeatedly", "finally",
		"apparently", "officially", "formally", "jointly", "immediately", "quickly", "subsequently", "even",
		"only", "ever", "soon", "yesterday", "today", "currently", "initially", "eventually", "effectively",
		"publicly", "privately", "directly", "indirectly", "unilaterally", "reluctantly", "swiftly", "fiercely",
		"heavily", "briefly", "strongly", "sharply", "firmly", "openly", "secretly", "partially", "fully",
		"largely", "mostly", "increasingly", "simply", "actually", "really", "yet", "however", "too", "not")
	// speech verbs introduce quotes and reported speech.
	speechVerbs = set("say", "tell", "add", "state", "announce", "declare", "insist", "warn", "claim", "note",
		"explain", "reply", "argue", "stress", "report", "write", "remark", "assert", "maintain", "confirm",
		"acknowledge", "admit", "respond", "answer", "comment", "observe", "emphasize", "emphasise", "caution",
		"predict", "suggest", "recall", "continue", "conclude", "indicate", "reiterate", "affirm", "tweet", "post",
		"allege", "estimate", "write", "reply")
	// objectless speech verbs: the phrase after them begins the reported
	// clause ("said Iraq had not been discussed"), it is not their object.
	objectlessVerbs = set("say", "add", "state", "announce", "declare", "insist", "claim", "note", "explain",
		"reply", "argue", "stress", "report", "write", "remark", "assert", "maintain", "confirm", "acknowledge",
		"admit", "respond", "answer", "comment", "observe", "emphasize", "emphasise", "predict", "suggest",
		"recall", "conclude", "indicate", "reiterate", "affirm", "estimate", "believe", "think", "hope", "fear",
		"know", "feel", "expect", "reckon", "concede", "deny", "allege", "contend", "testify", "tweet")
	// intent verbs: "X agreed to DO", "X vowed to DO" code DO as an intent or threat.
	intentVerbs = set("agree", "pledge", "promise", "vow", "offer", "plan", "intend", "decide", "want", "seek",
		"aim", "hope", "prepare", "propose", "threaten", "expect", "wish", "commit", "resolve", "undertake",
		"consider", "mull", "weigh", "vote", "move", "try", "attempt", "seem", "appear", "refuse", "fail", "decline", "swear")
	// aspect verbs: "began to withdraw", "continued to attack" state the act itself.
	aspectVerbs = set("begin", "start", "continue", "resume", "proceed", "keep", "go", "try", "attempt", "seem",
		"appear", "move", "manage")
	// intentAdjectives: "is willing to", "ready to", "prepared to".
	intentAdjectives = set("willing", "ready", "prepared", "determined", "poised", "set", "likely", "keen", "eager", "unable",
		"unwilling", "reluctant", "able", "going", "about", "due")
	// denial verbs: "X denied that ...", "rejected the notion that ..." negate the clause that follows.
	denialVerbs = set("deny", "reject", "dismiss", "refute", "rebut", "dispute", "disprove", "contradict", "debunk", "rule")
	denialNouns = set("notion", "claim", "claims", "report", "reports", "allegation", "allegations", "suggestion",
		"suggestions", "idea", "assertion", "accusation", "accusations", "charge", "charges", "rumour", "rumours",
		"rumor", "rumors", "speculation", "possibility")
	// polysemousVerbs have a default event code that only their object makes
	// likely: "took the town" but "was taken to hospital", "pushed the
	// protesters" but "has pushed for tax cuts", "returned home".
	polysemousVerbs = set("take", "push", "return", "give", "hold", "quit", "lift")
	// verbalAttackVerbs: verbs of attack that a politician does with words.
	verbalAttackVerbs = set("attack", "assail", "blast", "savage")
	// light verbs whose object noun carries the event: "conducted airstrikes", "held talks".
	lightVerbs = set("conduct", "carry", "launch", "stage", "hold", "mount", "make", "have", "attend", "join",
		"begin", "start", "continue", "resume", "order", "authorize", "authorise", "lead", "step", "intensify",
		"escalate", "wage", "pay", "give", "host", "perform", "undertake", "unleash", "deliver", "announce", "sign",
		"impose", "open", "call", "issue", "file", "stage", "organize", "organise", "kick", "lodge", "register",
		"voice", "express", "submit", "deliver", "send", "press", "mount", "put")
	// verbPrefixes keep a hyphenated word a verb: "re-open", "co-operate".
	verbPrefixes = set("re", "co", "de", "pre", "un", "over", "under", "counter", "out", "mis", "cross", "double", "self")
	// quantityNouns head a quantity phrase: "thousands of students".
	quantityNouns = set("thousands", "hundreds", "dozens", "tens", "millions", "scores", "group", "groups", "number",
		"crowd", "crowds", "band", "bands", "some", "many", "most", "all", "none", "one", "two", "three", "several",
		"majority", "handful", "contingent", "team", "delegation", "column", "convoy", "unit", "batch", "patch",
		"deployment", "detachment", "wave", "squad")
	monthNames = set("january", "february", "march", "april", "may", "june", "july", "august", "september",
		"october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec")
	dayNames = map[string]int{"sunday": 0, "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6}
)

// isAux reports whether a token is an auxiliary or modal verb form.
func isAux(t *lex.Token) bool {
	return t.Kind == lex.Word && (beForms[t.Norm] || haveForms[t.Norm] || doForms[t.Norm] || modals[t.Norm])
}

// isHyphen reports whether tok i is a dash joining two words with no spaces.
func (d *doc) isHyphen(i int) bool {
	if i <= 0 || i+1 >= len(d.toks) {
		return false
	}
	t := &d.toks[i]
	return t.Kind == lex.Dash && !t.Space && !d.toks[i+1].Space
}
