package extract

import (
	"strings"
	"testing"

	"github.com/intelcell/intelcell"
)

// These sentences are written for the tests; each checks one rule of the
// engine against the real knowledge base.

type wantEvent struct {
	src, tgt string // actor code prefixes ("" = no actor)
	root     string // CAMEO root
	negated  bool
}

func findEvent(d *intelcell.Document, w wantEvent) *intelcell.Event {
	for i := range d.Events {
		e := &d.Events[i]
		code := func(a *intelcell.Actor) string {
			if a == nil {
				return ""
			}
			return a.Code
		}
		if strings.HasPrefix(code(e.Source), w.src) && (w.tgt == "" && e.Target == nil || w.tgt != "" && strings.HasPrefix(code(e.Target), w.tgt)) &&
			strings.HasPrefix(e.Cameo, w.root) && e.Negated == w.negated {
			return e
		}
	}
	return nil
}

func dump(d *intelcell.Document) string {
	var b strings.Builder
	for _, e := range d.Events {
		src, tgt := "-", "-"
		if e.Source != nil {
			src = e.Source.Code
		}
		if e.Target != nil {
			tgt = e.Target.Code
		}
		b.WriteString("\n  " + src + " -> " + tgt + " " + e.Cameo)
		if e.Negated {
			b.WriteString(" negated")
		}
	}
	return b.String()
}

func TestEvents(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []wantEvent
		not  []wantEvent
	}{
		{"refugees fleeing are no military retreat", "Thousands of Rohingya refugees fled Myanmar on Monday.",
			nil, []wantEvent{{"MMR", "", "08", false}, {"MMR", "MMR", "08", false}}},
		{"a candidate leaving a race is no military retreat", "Senator Carla Mendes withdrew from the presidential race on Wednesday.",
			nil, []wantEvent{{"LEG", "", "08", false}}},
		{"calling a race is no appeal", "The Associated Press called the race for the Democrat on Tuesday.",
			nil, []wantEvent{{"USAMED", "", "02", false}, {"USAMED", "USA", "02", false}}},
		{"calling for elections is", "The opposition called for new elections in Venezuela.",
			[]wantEvent{{"VENOPP", "", "02", false}}, nil},
		{"troops withdrawing are", "Iraqi troops withdrew from Ramadi on Sunday.",
			[]wantEvent{{"IRQMIL", "IRQ", "08", false}}, nil},
		{"rebels fleeing are", "Syrian rebels fled Aleppo after government forces advanced.",
			[]wantEvent{{"SYRREB", "SYR", "08", false}}, nil},
		{"coordinated targets", "Jordan agreed to expand intelligence cooperation with Egypt, Morocco and Tunisia.",
			[]wantEvent{{"JOR", "EGY", "03", false}, {"JOR", "MAR", "03", false}, {"JOR", "TUN", "03", false}}, nil},
		{"negation", "Turkish officials insist they are not coordinating their operations with Syria.",
			[]wantEvent{{"TURGOV", "SYR", "06", true}}, []wantEvent{{"TUR", "SYR", "06", false}}},
		{"denial frame", "The minister rejected the notion that Qatar was funding Hamas.",
			nil, []wantEvent{{"QAT", "PSE", "07", false}, {"QAT", "PSE", "06", false}}},
		{"meeting noun with hyphenated dyad", "Reporters gathered after the Erdogan-Putin meeting in Sochi.",
			[]wantEvent{{"TURGOV", "RUSGOV", "04", false}}, nil},
		{"nominal strike with by-phrase", "An air strike by a Jordanian warplane hit Islamic State positions near Raqqa.",
			[]wantEvent{{"JORMIL", "IMG", "19", false}}, nil},
		{"intent", "Egypt said it would be willing to send troops to fight the Islamic State group.",
			nil, []wantEvent{{"EGY", "IMG", "19", false}}},
		{"clashes between", "Clashes between Azerbaijani troops and Armenian forces killed three soldiers.",
			[]wantEvent{{"AZEMIL", "ARMMIL", "19", false}}, nil},
		{"roles take the place's country", "Police detained dozens of students in Tehran.",
			[]wantEvent{{"IRNCOP", "IRN", "17", false}}, nil},
		{"refusal is a rejection", "Pakistan refused to send troops to Yemen.",
			[]wantEvent{{"PAK", "YEM", "12", false}}, nil},
		{"appositive subject", "Oman, a close ally of Britain, condemned the strike on Yemen.",
			[]wantEvent{{"OMN", "", "11", false}}, []wantEvent{{"GBR", "", "11", false}}},
		{"demand that", "Moscow demanded that Ukraine withdraw its forces.",
			[]wantEvent{{"RUSGOV", "UKR", "10", false}}, []wantEvent{{"UKR", "", "08", false}}},
		{"sworn to fight is a threat", "Kurdish rebels have sworn to fight the Turkish army until they win autonomy.",
			[]wantEvent{{"TURREB", "TURMIL", "13", false}}, []wantEvent{{"TURREB", "TURMIL", "19", false}}},
		{"preparing an attack is a mobilisation", "The Syrian army prepared to attack rebel positions near Aleppo.",
			[]wantEvent{{"SYRMIL", "SYRREB", "15", false}}, []wantEvent{{"SYRMIL", "SYRREB", "13", false}}},
		{"a decision is the act", "The Egyptian government decided to expel the Qatari ambassador.",
			[]wantEvent{{"EGYGOV", "QATGOV", "16", false}}, []wantEvent{{"EGYGOV", "QATGOV", "03", false}}},
		{"peacekeepers arriving are a deployment", "A first contingent of Pakistani peacekeepers arrived in Somalia on Monday.",
			[]wantEvent{{"PAK", "SOM", "07", false}}, []wantEvent{{"PAK", "SOM", "04", false}}},
		{"an event noun describing a role noun", "Gunmen fired on Egyptian truce monitors in Sinai.",
			nil, []wantEvent{{"EGY", "", "08", false}}},
		{"travel for talks", "Chinese and Japanese negotiators return to Geneva next week for talks on fishing rights.",
			[]wantEvent{{"CHN", "JPN", "04", false}}, []wantEvent{{"CHN", "", "08", false}}},
		{"seeking refuge is an appeal", "Thousands of Syrian refugees sought refuge in Jordan.",
			[]wantEvent{{"SYR", "JOR", "02", false}}, nil},
		{"closing a newspaper is censorship", "The Turkish government ordered the opposition daily Zaman to stop publishing.",
			[]wantEvent{{"TURGOV", "TUR", "17", false}}, []wantEvent{{"TURGOV", "TUR", "10", false}}},
		{"blocking transport is a protest", "Striking Chilean truckers blocked traffic into Santiago.",
			[]wantEvent{{"CHL", "", "14", false}}, []wantEvent{{"CHL", "", "12", false}}},
		{"a domestic act is done to the country", "Thousands of Indonesian students demonstrated in Jakarta on Saturday.",
			[]wantEvent{{"IDN", "IDN", "14", false}}, nil},
		{"a curfew is imposed on the country", "Turkish authorities imposed a curfew in the town of Cizre.",
			[]wantEvent{{"TURGOV", "TUR", "17", false}}, nil},
		{"a state acting alone has no target", "Sudan lifted the state of emergency.",
			[]wantEvent{{"SDN", "", "08", false}}, nil},
		{"a rejection targets who asked", "Poland rejected recent calls by Belarus's leaders for talks.",
			[]wantEvent{{"POL", "BLR", "12", false}}, nil},
		{"a rejected appeal from someone", "Syrian rebels dismissed an appeal from the Turkish government to lay down their arms.",
			[]wantEvent{{"SYRREB", "TURGOV", "12", false}}, nil},
		{"a conditional threat targets the condition's subject", "Iran threatened to close the Strait of Hormuz if Washington imposed new sanctions.",
			[]wantEvent{{"IRN", "USA", "13", false}}, nil},
		{"a joint exercise is military cooperation", "Russian and Chinese warships began joint naval exercises in the Sea of Japan.",
			[]wantEvent{{"RUSMIL", "CHNMIL", "062", false}, {"CHNMIL", "RUSMIL", "062", false}}, []wantEvent{{"RUSMIL", "", "15", false}}},
		{"a strike by workers is a labour strike", "Thousands of Greek workers joined a general strike against pension cuts.",
			nil, []wantEvent{{"GRC", "", "19", false}}},
		{"agreeing on a deal is not signing it", "Egypt and Sudan agreed on a new water deal.",
			[]wantEvent{{"EGY", "SDN", "03", false}}, []wantEvent{{"EGY", "SDN", "057", false}}},
		{"one act on role-named victims is one event", "Israeli bulldozers demolished Palestinian homes and Palestinian shops in Hebron.",
			[]wantEvent{{"ISR", "PSE", "17", false}}, nil},
		{"calling on others to unite against", "Iran called on Muslim nations to unite against Israel.",
			[]wantEvent{{"IRN", "ISR", "113", false}}, nil},
		{"a politician's attack is verbal", "The Peruvian president attacked the court's ruling as a political stunt.",
			[]wantEvent{{"PERGOV", "PERJUD", "111", false}}, []wantEvent{{"PER", "PER", "19", false}}},
		{"a soldier's attack is not verbal", "A Burmese soldier attacked a Rohingya villager with a knife.",
			nil, []wantEvent{{"MMR", "", "11", false}}},
		{"a politician attacking a rival", "Hungarian Prime Minister Viktor Orban attacked Angela Merkel in a radio interview.",
			[]wantEvent{{"HUN", "DEU", "111", false}}, []wantEvent{{"HUN", "DEU", "19", false}}},
		{"a leader's attack on a state stays an attack", "Vladimir Putin attacked Georgia in 2008.",
			[]wantEvent{{"RUS", "GEO", "19", false}}, nil},
		{"calling something a name is not a phone call", "Chilean senators called the Bolivian minister's remarks an insult.",
			nil, []wantEvent{{"CHL", "BOL", "04", false}}},
		{"a phone call stays a phone call", "The Chilean president called Angela Merkel on Tuesday.",
			[]wantEvent{{"CHL", "DEU", "041", false}}, nil},
		{"a cooperative verb with no partner is no event", "A Kenyan judge agreed, and the Kenyan parliament received 40 petitions.",
			nil, []wantEvent{{"KEN", "", "03", false}, {"KEN", "", "04", false}}},
		{"a refused cooperative act is a rejection even with no partner", "The Kenyan president will not approve.",
			[]wantEvent{{"KEN", "", "12", false}}, nil},
		{"an offer with its content stays", "Libya offered to hand over the two suspects.",
			[]wantEvent{{"LBY", "CRM", "03", false}}, nil},
		{"a government does not protest against its own country", "The Mexican president held a rally in Monterrey.",
			nil, []wantEvent{{"MEX", "", "14", false}}},
		{"taken to hospital is no seizure", "The Chilean senator was taken to hospital on Monday.",
			nil, []wantEvent{{"", "", "19", false}}},
		{"a capital inside a name is not its government", "Brazil quit the Paris Climate Accord.",
			nil, []wantEvent{{"BRA", "FRA", "", false}}},
		{"a conflict between two sides", "The latest military conflict between Armenia and Azerbaijan lasted six weeks.",
			[]wantEvent{{"ARM", "AZE", "19", false}}, []wantEvent{{"ARMMIL", "", "", false}}},
		{"role words modifying an attack noun", "Mali is facing militant attacks in the north.",
			nil, []wantEvent{{"MLI", "", "19", false}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := run(t, tt.text, "2016-05-10")
			for _, w := range tt.want {
				if findEvent(d, w) == nil {
					t.Errorf("want %+v in %q; got%s", w, tt.text, dump(d))
				}
			}
			for _, w := range tt.not {
				if findEvent(d, w) != nil {
					t.Errorf("do not want %+v in %q; got%s", w, tt.text, dump(d))
				}
			}
		})
	}
}

func TestActorsAndCase(t *testing.T) {
	d := run(t, "IS fighters attacked the town. The militant group is weak. Iraqi forces and US officials met. "+
		"Daesh, also called ISIL, lost ground; the Russian Federation and Moscow responded.", "2016-05-10")
	got := map[string]string{}
	for _, m := range d.Mentions {
		got[m.Text] = m.Actor.Code
	}
	if !strings.HasPrefix(got["IS"], "IMG") || !strings.HasPrefix(got["Daesh"], "IMG") || !strings.HasPrefix(got["ISIL"], "IMG") {
		t.Errorf("IS, Daesh and ISIL should all be the Islamic State: %v", got)
	}
	if _, ok := got["is"]; ok {
		t.Errorf("the verb 'is' must never be the group IS: %v", got)
	}
	if got["Iraqi"] != "IRQMIL" {
		t.Errorf("'Iraqi forces' should make IRQMIL, got %q", got["Iraqi"])
	}
	if got["Russian Federation"] != "RUS" || got["Moscow"] != "RUSGOV" {
		t.Errorf("Russian Federation = RUS, Moscow = RUSGOV: %v", got)
	}
}

func TestPersonRoleByDate(t *testing.T) {
	code := func(date string) string {
		for _, m := range run(t, "Kerry spoke to reporters.", date).Mentions {
			if m.Text == "Kerry" {
				return m.Actor.Code + "/" + m.Actor.Name
			}
		}
		return ""
	}
	if c := code("2015-09-28"); !strings.HasPrefix(c, "USAGOV/John Kerry") {
		t.Errorf("Kerry in 2015 should be the US Secretary of State (USAGOV), got %q", c)
	}
}

func TestQuotes(t *testing.T) {
	text := "“We will defend our borders”, Erdogan told reporters. The president added: «Nobody can stop us». " +
		"Lavrov said \"the talks were useful.\" Merkel said that Germany would help."
	d := run(t, text, "2016-05-10")
	speakers := map[string]string{}
	for _, q := range d.Quotes {
		if q.Speaker != nil {
			speakers[q.Text] = q.Speaker.Name
		}
	}
	for text, who := range map[string]string{"We will defend our borders": "Erdo", "the talks were useful.": "Lavrov", "Germany would help": "Merkel"} {
		if !strings.Contains(speakers[text], who) {
			t.Errorf("quote %q should be %s's, got %v", text, who, speakers)
		}
	}
}

func TestCasualtiesDatesPlaces(t *testing.T) {
	d := run(t, "Syrian government forces shelled rebel positions in northern Aleppo on Sunday, killing at least 12 people and wounding dozens.", "2016-05-10")
	var e *intelcell.Event
	for i := range d.Events {
		if strings.HasPrefix(d.Events[i].Cameo, "19") {
			e = &d.Events[i]
		}
	}
	if e == nil {
		t.Fatalf("no fight event:%s", dump(d))
	}
	if e.Killed == nil || *e.Killed != 12 || e.Wounded == nil || *e.Wounded != 24 {
		t.Errorf("killed 12, wounded dozens (24): got %v %v", e.Killed, e.Wounded)
	}
	if e.Date != "2016-05-08" {
		t.Errorf("'on Sunday' in a Tuesday report is 2016-05-08, got %s", e.Date)
	}
	if e.Place == nil || e.Place.Country == nil || *e.Place.Country != "SYR" {
		t.Errorf("the event happened in Aleppo, Syria: %+v", e.Place)
	}
}

// TestMainEvent: a sentence's subordinate parts (relative clauses,
// conditions, circumstances, participle adjuncts, purposes, complements of
// nouns) give background, not events of their own, when the main clause has
// an event.
func TestMainEvent(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		want  wantEvent
		roots []string // no event of these roots
	}{
		{"relative clause", "Jordan demanded that Israel free two Jordanian students who were arrested by Israeli police last week.",
			wantEvent{"JOR", "ISR", "10", false}, []string{"17"}},
		{"relative clause after a comma", "Egypt expelled two Sudanese diplomats, who had attacked a police station in Cairo.",
			wantEvent{"EGY", "SDN", "16", false}, []string{"18", "19"}},
		{"condition", "Iran threatened to close the Strait of Hormuz unless Washington lifted its sanctions.",
			wantEvent{"IRN", "USA", "13", false}, []string{"08"}},
		{"circumstance", "Serbian police arrested 20 students in Belgrade as the opposition threatened to storm the parliament.",
			wantEvent{"SRBCOP", "SRBEDU", "17", false}, []string{"13"}},
		{"participle adjunct", "Kurdish students demonstrated in Istanbul, demanding the release of jailed leaders.",
			wantEvent{"TUR", "TUR", "14", false}, []string{"10"}},
		{"purpose", "Thousands of Algerian workers blocked roads in Algiers to press their demands for higher wages.",
			wantEvent{"DZA", "DZA", "14", false}, []string{"10"}},
		{"complement of a noun", "Syria rejected a Russian offer to host peace talks in Moscow.",
			wantEvent{"SYR", "RUS", "12", false}, []string{"03", "04"}},
		{"that-complement of a noun", "Poland demanded an admission by Moscow that Soviet forces had killed Polish officers.",
			wantEvent{"POL", "RUS", "10", false}, []string{"18"}},
		{"reduced relative", "French farmers protested in Paris against a law signed by the French president.",
			wantEvent{"FRA", "FRA", "14", false}, []string{"05"}},
		{"coordinated -ing verbs keep their auxiliary", "The coalition has been bombing Islamic State positions as well as training and advising Iraqi forces.",
			wantEvent{"", "IRQMIL", "06", false}, nil},
		{"an event noun after an adjective is not a participle", "Iraqi forces have retaken a village after fierce fighting with Islamic State militants who overran it last month.",
			wantEvent{"IRQMIL", "", "19", false}, []string{"192"}},
		{"the subject is not inside a relative clause", "Hamas, which Israel accuses of terrorism, attacked an Israeli patrol.",
			wantEvent{"PSE", "ISR", "19", false}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := run(t, tt.text, "2016-05-10")
			if findEvent(d, tt.want) == nil {
				t.Errorf("want %+v in %q; got%s", tt.want, tt.text, dump(d))
			}
			for _, e := range d.Events {
				for _, r := range tt.roots {
					if strings.HasPrefix(e.Cameo, r) {
						t.Errorf("no %s event wanted in %q; got%s", r, tt.text, dump(d))
					}
				}
			}
		})
	}
}

// TestNamesInContext: a surname or a one-word organisation name means the
// person the report names in full, not someone of the knowledge base who
// shares it.
func TestNamesInContext(t *testing.T) {
	text := "Judge Victor Marrero ruled on Monday. Marrero wrote that the law was clear. " +
		"Prosecutor Cyrus R. Vance filed the appeal, and Vance said more was to come. " +
		"Voters in the state backed Roy Moore. Moore thanked them. " +
		"Senator Elizabeth Warren spoke next. Michael Bloomberg, a former mayor, endorsed her, and Bloomberg said he was proud. " +
		"Victor Marrero said the court would hear the case again. Marrero declined to comment."
	d := run(t, text, "2017-11-10")
	for _, m := range d.Mentions {
		switch {
		case m.Text == "Marrero" && m.Actor.Name != "Victor Marrero",
			m.Text == "Vance" && m.Actor.Name != "Cyrus R. Vance",
			m.Text == "Moore" && m.Actor.Name != "Roy Moore",
			m.Text == "Bloomberg" && m.Actor.Name != "Michael Bloomberg",
			strings.Contains(m.Actor.Name, "Elizabeth II"):
			t.Errorf("%q at %d resolved to %s (%s)", m.Text, m.Start, m.Actor.Name, m.Actor.Code)
		}
	}
}

// TestLeaderSurname: a relative named in full does not take the bare
// surname of a leader in office, and a capitalised word at the start of a
// sentence is no given name.
func TestLeaderSurname(t *testing.T) {
	d := run(t, "Melania Trump visited a school in Ohio. Former Trump adviser Jane Doakes said on Monday that Trump would sign the bill.", "2018-03-10")
	for _, m := range d.Mentions {
		if strings.HasSuffix(m.Text, "Trump") && m.Text != "Melania Trump" && m.Actor.Name != "Donald Trump" {
			t.Errorf("%q at %d resolved to %s", m.Text, m.Start, m.Actor.Name)
		}
	}
}

// TestNotActors: datelines, times of day and institutions are not the
// actors of events.
func TestNotActors(t *testing.T) {
	d := run(t, "WASHINGTON (Reuters) - The head of a small Kentucky charity said on Monday it would close.\n"+
		"By 6 pm the city had issued a warning. Judge Ann Doakes said the court had rejected the appeal.", "2017-11-10")
	for _, e := range d.Events {
		if e.Source != nil && (strings.HasSuffix(e.Source.Code, "MED") || e.Source.Name == "pm" || e.Source.Name == "Ann Doakes" && e.Cameo == "120") {
			t.Errorf("wrong source %s (%s) for %s", e.Source.Name, e.Source.Code, e.Cameo)
		}
	}
	for _, m := range d.Mentions {
		if m.Text == "pm" || m.Text == "Reuters" && m.Actor.Kind == "person" {
			t.Errorf("mention %q as %s", m.Text, m.Actor.Code)
		}
	}
}

// TestPlacesNamedWithRegion: "Paris, Texas" is the Texan city, and "Fort St.
// John" is a place, not a person called John.
func TestPlacesNamedWithRegion(t *testing.T) {
	d := run(t, "The fair opened in Paris, Texas, on Friday. Homes near Fort St. John were flooded.", "2017-05-10")
	var paris, fort bool
	for _, p := range d.Places {
		if p.Text == "Paris" && p.Country != nil && *p.Country == "USA" {
			paris = true
		}
		if strings.Contains(p.Text, "St. John") {
			fort = true
		}
	}
	if !paris || !fort {
		t.Errorf("want Paris in the USA and Fort St. John as places: %+v", d.Places)
	}
	for _, m := range d.Mentions {
		if m.Text == "John" {
			t.Errorf("'John' of Fort St. John is a mention of %s", m.Actor.Name)
		}
	}
}
