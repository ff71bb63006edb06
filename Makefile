# Thin: every target is an npm script (package.json says what each does).
.PHONY: setup build test validate render synth cluster-up cluster-down smoke

setup:
	npm run setup
build:
	npm run build
test:
	npm test
validate:
	npm run --silent validate
render:
	npm run render -- --stack local
synth:
	npm run synth
cluster-up:
	npm run cluster:up
cluster-down:
	npm run cluster:down
smoke:
	npm run smoke
