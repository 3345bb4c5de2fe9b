INSERT INTO synth_cat VALUES ($kind, $idx, $name, $weight, $f1, $f2, $d)
