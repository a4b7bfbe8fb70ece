export * from './fake-http.server.js';
export * from './slack.fake.js';
export * from './teams.fake.js';
export * from './argocd.fake.js';
export * from './kubernetes.fake.js';
export * from './statuspage.fake.js';
