package rubric

import "testing"

func TestDefaultLoads(t *testing.T) {
	r, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	t.Log(r.ID, len(r.Catalogues.Certifications))
}
