namespace samskap::mi { int placeholder() { return 0; } }
