package report

import "sort"

// areaOrder is the program's order of solution areas; areas not listed follow alphabetically.
var areaOrder = []string{"data_ai", "infrastructure", "digital_app_innovation", "business_applications", "modern_work", "security"}

var areaLabels = map[string]string{
	"data_ai":                "Data & AI",
	"infrastructure":         "Infrastructure",
	"digital_app_innovation": "Digital & App Innovation",
	"business_applications":  "Business Applications",
	"modern_work":            "Modern Work",
	"security":               "Security",
}

// trackOrder lists the tracks every trend shows, even when a track has no partner.
var trackOrder = []string{"enterprise", "smb"}

var trackLabels = map[string]string{"enterprise": "Enterprise", "smb": "SMB"}

// areaLabel is the area's display name; an unknown area shows its id.
func areaLabel(id string) string {
	if l, ok := areaLabels[id]; ok {
		return l
	}
	return id
}

// trackLabel is the track's display name; an unknown track shows its id.
func trackLabel(id string) string {
	if l, ok := trackLabels[id]; ok {
		return l
	}
	return id
}

// sortAreas orders area ids: program order first, then the rest alphabetically.
func sortAreas(ids []string) {
	rank := func(id string) int {
		for i, a := range areaOrder {
			if a == id {
				return i
			}
		}
		return len(areaOrder)
	}
	sort.SliceStable(ids, func(i, j int) bool {
		ri, rj := rank(ids[i]), rank(ids[j])
		if ri != rj {
			return ri < rj
		}
		return ids[i] < ids[j]
	})
}
