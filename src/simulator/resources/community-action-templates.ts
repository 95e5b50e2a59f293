// The community step template library (library.octopus.com) as a server sees it: a server-wide
// catalogue (`CommunityActionTemplates-N`, numbered by each server as it syncs the library, so
// the same template has different ids on different servers). A template is installed into a
// space, which creates an ordinary step template that keeps `CommunityActionTemplateId`.
//
// The catalogue below is the simulator's own: a few small templates written for it, in the shape
// of the library's (Name, Description, Author, Website, HistoryUrl, Type, Version, Properties,
// Parameters, Packages). They are not copies of the real library's templates.
import type { ResourceDef } from '../resource-def.js';
import { assignIds, templateDefaults } from './common.js';

export const communityActionTemplates: ResourceDef = {
  collection: 'communityactiontemplates',
  idPrefix: 'CommunityActionTemplates',
  itemType: 'CommunityActionTemplate',
  scope: 'system',
  required: ['Name', 'Type'],
  defaults: () => ({
    Name: '',
    Description: null,
    Author: null,
    Website: null,
    HistoryUrl: null,
    Type: '',
    Version: 1,
    Properties: {},
    Parameters: [],
    Packages: [],
  }),
  prepare: (doc) => {
    assignIds(doc.Parameters);
    templateDefaults(doc.Parameters);
  },
  links: (doc) => ({ Logo: `/api/communityactiontemplates/${doc.Id}/logo`, Installation: `/api/communityactiontemplates/${doc.Id}/installation{/spaceId}` }),
};

const LIBRARY = 'https://library.octopus.com/step-templates';
const HISTORY = 'https://github.com/OctopusDeploy/Library/commits/master/step-templates';

/** A parameter, with the fixed Id the library gives it (the same on every server). */
const parameter = (id: string, name: string, label: string, help: string, defaultValue: string | null = null, control = 'SingleLineText') => ({
  Id: id,
  Name: name,
  Label: label,
  HelpText: help,
  DefaultValue: defaultValue,
  DisplaySettings: { 'Octopus.ControlType': control },
});

/** The catalogue a simulated server's library holds (the `Website` is how a template is recognised across servers). */
export const COMMUNITY_LIBRARY: Record<string, unknown>[] = [
  {
    Name: 'HTTP - Test URL (simulated)',
    Description: 'Requests a URL and fails unless it answers with the expected status code.',
    Author: 'octosync simulator',
    Website: `${LIBRARY}/0c7d4b0c-8a3e-4b55-9d3e-6f2b9a1c7e01`,
    HistoryUrl: `${HISTORY}/http-test-url-simulated.json`,
    Type: 'Octopus.Script',
    Version: 3,
    Properties: {
      'Octopus.Action.Script.ScriptSource': 'Inline',
      'Octopus.Action.Script.Syntax': 'Bash',
      'Octopus.Action.Script.ScriptBody': 'status=$(curl -s -o /dev/null -w "%{http_code}" "#{TestUrl}")\n[ "$status" = "#{ExpectedCode}" ]\n',
    },
    Parameters: [parameter('6d1b0c2e-0000-4000-8000-000000000001', 'TestUrl', 'URL', 'The URL to request.'), parameter('6d1b0c2e-0000-4000-8000-000000000002', 'ExpectedCode', 'Expected status', 'The HTTP status code that means success.', '200')],
    Packages: [],
  },
  {
    Name: 'Notify a webhook (simulated)',
    Description: 'Posts a JSON message to a webhook.',
    Author: 'octosync simulator',
    Website: `${LIBRARY}/5a2f9e61-1d4b-4c8e-a7f0-2b6c3d9e8f02`,
    HistoryUrl: `${HISTORY}/notify-a-webhook-simulated.json`,
    Type: 'Octopus.Script',
    Version: 7,
    Properties: {
      'Octopus.Action.Script.ScriptSource': 'Inline',
      'Octopus.Action.Script.Syntax': 'PowerShell',
      'Octopus.Action.Script.ScriptBody': 'Invoke-RestMethod -Method Post -Uri $OctopusParameters["WebhookUrl"] -Body $OctopusParameters["Message"]\n',
    },
    Parameters: [parameter('6d1b0c2e-0000-4000-8000-000000000003', 'WebhookUrl', 'Webhook URL', 'Where to post.', null, 'Sensitive'), parameter('6d1b0c2e-0000-4000-8000-000000000004', 'Message', 'Message', 'What to post.', '{"text":"Deployed #{Octopus.Project.Name}"}', 'MultiLineText')],
    Packages: [],
  },
  {
    Name: 'Run a SQL script from a package (simulated)',
    Description: 'Runs the SQL scripts of a package against a database.',
    Author: 'octosync simulator',
    Website: `${LIBRARY}/9e4c1a7b-3f2d-4e6a-b8c9-0d1e2f3a4b03`,
    HistoryUrl: `${HISTORY}/run-a-sql-script-simulated.json`,
    Type: 'Octopus.Script',
    Version: 2,
    Properties: {
      'Octopus.Action.Script.ScriptSource': 'Inline',
      'Octopus.Action.Script.Syntax': 'PowerShell',
      'Octopus.Action.Script.ScriptBody': 'Get-ChildItem $OctopusParameters["Octopus.Action.Package[scripts].ExtractedPath"] -Filter *.sql | ForEach-Object { Write-Host $_ }\n',
    },
    Parameters: [parameter('6d1b0c2e-0000-4000-8000-000000000005', 'ConnectionString', 'Connection string', 'The database to run against.', null, 'Sensitive')],
    Packages: [{ Name: 'scripts', PackageId: null, FeedId: null, AcquisitionLocation: 'Server', Properties: { Extract: 'True', SelectionMode: 'deferred', PackageParameterName: '' } }],
  },
];
