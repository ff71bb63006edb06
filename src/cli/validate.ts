export const validateCommand = { summary: "todo", usage: "", async run() { return 0; } };
