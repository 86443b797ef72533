"""DMN interchange: `verdict dmn import FILE.dmn` (DMN XML → rule text, checked by loading it)
and `verdict dmn export PATH` (a ruleset → DMN 1.5 XML). See docs/dmn.md."""
