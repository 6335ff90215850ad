// The small guide the role tests ingest: background paragraphs, a list of measures, references.

export const GUIDE = `# Guidance on Prompt Injection

## Background

Large language models are increasingly embedded in products that read untrusted content from the web, email and documents.

Researchers first described prompt injection in 2022, and the number of reported incidents has grown since then.

## Prevention and Mitigation Strategies

1. Constrain model behaviour with a system prompt that states the model's role and limits.
2. Validate and sanitise all untrusted input before it reaches the model.
3. Require human approval for high-risk actions such as payments or deleting data.
4. Segregate external content from user instructions and mark it clearly.

## References

- Greshake, K. et al. (2023). Not what you've signed up for. arXiv:2302.12173.
- OWASP Foundation (2025). Top 10 for LLM Applications. https://owasp.org/
`;

export const MEASURES = [
  "Constrain model behaviour with a system prompt that states the model's role and limits.",
  'Validate and sanitise all untrusted input before it reaches the model.',
  'Require human approval for high-risk actions such as payments or deleting data.',
  'Segregate external content from user instructions and mark it clearly.',
];
