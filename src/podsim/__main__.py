from podsim.cli import main

raise SystemExit(main())
