/**
 * EAS-4-TbSync (Thunderbird's EAS provider, Debian webext-eas4tbsync) running under Node.
 *
 * The add-on's own files are evaluated unmodified (see TBSYNC_SCRIPTS): provider.js (Base: the
 * entry points TbSync core calls, account defaults) and, through its own
 * Services.scriptloader.loadSubScript calls, includes/network.js, wbxmltools.js, xmltools.js,
 * tools.js and sync.js. Thunderbird loads them into the provider's namespace object
 * (`TbSync.providers.eas`), so their top-level `var`s become `eas.network`, `eas.sync`, ...; here
 * that namespace is the global object of one `vm` context, which gives the same result.
 * contactsync.js, calendarsync.js and tasksync.js (item Sync, loaded into `eas.sync`) are not
 * loaded: this harness stops after FolderSync.
 *
 * What the sandbox gets, and nothing more (anything else the scripts touch on Services,
 * Components or TbSync throws "not shimmed", so a new dependency shows up by name):
 *   TbSync     providers.eas, dump, prefs (log.userdatalevel), StatusData, EventLogInfo, eventlog,
 *              tools.b64encode/sleep, passwordManager (the account's password; a password prompt
 *              is "cancelled"), network.createTCPErrorFromFailedXHR, getString,
 *              addressbook/lightning.AdvancedTargetData (base classes provider.js extends at load)
 *   Services   prefs (branches with the defaults Base.load() would set), scriptloader, io.newURI,
 *              scriptSecurityManager, clearData, appinfo (OS Linux), vc.compare
 *   ChromeUtils.import / importESModule for TbSync, MailServices, OAuth2, XPCOMUtils, NetUtil
 *   Components.utils.Sandbox (-> the XMLHttpRequest of ./xhr.ts), reportError
 *   DOMParser, XMLSerializer (@xmldom/xmldom), TextEncoder/TextDecoder, btoa/atob, console,
 *   setTimeout/clearTimeout
 * The account/folder database is ./database.ts. TbSync core's account sync loop (rerun the folder
 * list up to twice on ACCOUNT_RERUN, e.g. after HTTP 449 or Status 142) is `syncFolderList` below,
 * without its 5 s pause between runs.
 */
import http from 'node:http';
import vm from 'node:vm';
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import { AccountData, SyncData, TbSyncDatabase, type FolderData, type Row } from './database.js';
import { locateTbSync, TBSYNC_SCRIPTS, type TbSyncPackage } from './locate.js';
import { xhrClass, type TbSyncExchange } from './xhr.js';

export type { TbSyncExchange } from './xhr.js';
export { locateTbSync, TBSYNC_XPI_DIR } from './locate.js';

/** TbSync's StatusData as plain data: type is success, info, warning, error, account_rerun, folder_rerun. */
export interface TbSyncStatus {
  readonly type: string;
  readonly message: string;
  readonly details: string;
}

export interface TbSyncAccountOptions {
  /** host[:port], as typed into TbSync's "custom server" dialog. */
  readonly host: string;
  readonly https?: boolean;
  readonly user: string;
  readonly password: string;
  /** The EAS version chosen in the account settings: "2.5", "14.0" or "auto". */
  readonly asversion: '2.5' | '14.0' | 'auto';
  /** TbSync's default is false: it provisions once the server asks (449, Status 142-144). */
  readonly provision?: boolean;
  readonly deviceId?: string;
  readonly accountname?: string;
}

/** One folder of TbSync's folder database, as the folder list shows it. */
export interface TbSyncFolder {
  readonly serverID: string;
  readonly parentID: string;
  readonly foldername: string;
  readonly type: string;
  readonly targetType: string;
}

/** Things the scripts logged (TbSync.dump, eventlog, console, reportError), in order. */
export interface TbSyncLogLine {
  readonly kind: string;
  readonly text: string;
}

export interface TbSyncAccount {
  readonly data: AccountData;
  property(name: string): unknown;
  folders(): TbSyncFolder[];
}

export interface TbSync {
  readonly pkg: TbSyncPackage;
  /** The provider namespace (eas.network, eas.sync, eas.wbxmltools, eas.xmltools, eas.Base, ...). */
  readonly eas: EasNamespace;
  readonly exchanges: TbSyncExchange[];
  readonly log: TbSyncLogLine[];
  /** Sync states TbSync went through (send.request.provision, eval.response.folders, ...). */
  readonly states: string[];
  createAccount(options: TbSyncAccountOptions): TbSyncAccount;
  /** TbSync core's account sync, folder list only: Base.syncFolderList, rerun on ACCOUNT_RERUN (at most 3 runs). */
  syncFolderList(account: TbSyncAccount): Promise<{ status: TbSyncStatus; runs: TbSyncStatus[] }>;
  /** TbSync's own parse of a WBXML body (wbxmltools.convert2xml + xmltools.getDataFromXMLString), as plain data. */
  parseWbxml(body: Uint8Array): unknown;
  close(): void;
}

/** The parts of the provider namespace the harness and tests call. */
export interface EasNamespace {
  Base: {
    syncFolderList(syncData: SyncData, syncJob: string, runNr: number): Promise<StatusDataObject>;
    getDefaultAccountEntries(): Row;
    getDefaultFolderEntries(): Row;
  };
  network: Record<string, (...args: never[]) => unknown>;
  sync: Record<string, unknown>;
  wbxmltools: { convert2xml(wbxml: string): string | false };
  xmltools: { getDataFromXMLString(xml: string): unknown };
}

interface StatusDataObject {
  type: string;
  message: string;
  details: string;
}

/** Files provider.js loads with loadSubScript that are deliberately not evaluated (item Sync). */
const NOT_LOADED = new Set([
  'chrome://eas4tbsync/content/includes/contactsync.js',
  'chrome://eas4tbsync/content/includes/calendarsync.js',
  'chrome://eas4tbsync/content/includes/tasksync.js',
]);

/** The default prefs EAS-4-TbSync's Base.load() sets (not run here: it needs Lightning's time zones). */
const DEFAULT_PREFS: Record<string, string | number | boolean> = {
  'extensions.eas4tbsync.timeout': 90000,
  'extensions.eas4tbsync.maxitems': 50,
  'extensions.eas4tbsync.msTodoCompat': false,
  'extensions.eas4tbsync.clientID.type': 'TbSync',
  'extensions.eas4tbsync.clientID.useragent': 'Thunderbird ActiveSync',
  'extensions.eas4tbsync.oauth.clientID': '',
  // TbSync core: 2 logs the XML of every request and response through TbSync.dump.
  'extensions.tbsync.log.userdatalevel': 2,
};

/** An object whose unknown properties throw, naming the API a script wanted. */
function strict<T extends object>(name: string, target: T): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      if (typeof prop === 'symbol' || prop in obj || prop === 'then' || prop === 'toJSON') return Reflect.get(obj, prop, receiver);
      throw new Error(`TbSync shim: ${name}.${prop} is not shimmed`);
    },
  });
}

class StatusData {
  static get SUCCESS(): string { return 'success'; }
  static get ERROR(): string { return 'error'; }
  static get WARNING(): string { return 'warning'; }
  static get INFO(): string { return 'info'; }
  static get ACCOUNT_RERUN(): string { return 'account_rerun'; }
  static get FOLDER_RERUN(): string { return 'folder_rerun'; }
  constructor(
    readonly type = 'success',
    readonly message = '',
    readonly details = '',
  ) {}
}

function prefsBranch(store: Map<string, string | number | boolean>, root: string): object {
  const get = (name: string): string | number | boolean => {
    const key = root + name;
    if (!store.has(key)) throw new Error(`TbSync shim: preference ${key} has no value`);
    return store.get(key)!;
  };
  const set = (name: string, value: string | number | boolean): void => void store.set(root + name, value);
  return strict(`prefs(${root})`, {
    getCharPref: (n: string, fallback?: string) => (store.has(root + n) ? String(get(n)) : fallback ?? String(get(n))),
    getIntPref: (n: string, fallback?: number) => (store.has(root + n) ? Number(get(n)) : fallback ?? Number(get(n))),
    getBoolPref: (n: string, fallback?: boolean) => (store.has(root + n) ? Boolean(get(n)) : fallback ?? Boolean(get(n))),
    setCharPref: set,
    setIntPref: set,
    setBoolPref: set,
  });
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '0';
    const y = pb[i] ?? '0';
    if (x === '*' || y === '*') return x === y ? 0 : x === '*' ? 1 : -1;
    const d = (parseInt(x, 10) || 0) - (parseInt(y, 10) || 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

export function loadTbSync(options: { dir?: string } = {}): TbSync {
  const pkg = locateTbSync(options.dir);
  const exchanges: TbSyncExchange[] = [];
  const log: TbSyncLogLine[] = [];
  const agent = new http.Agent({ keepAlive: true });
  const prefs = new Map<string, string | number | boolean>(Object.entries(DEFAULT_PREFS));
  const passwords = new Map<string, string>();
  const syncStates: string[] = [];
  const record = (kind: string, ...parts: unknown[]): void => {
    log.push({ kind, text: parts.map((p) => (p instanceof Error ? `${p.name}: ${p.message}` : typeof p === 'string' ? p : JSON.stringify(p))).join(' ') });
  };
  const XMLHttpRequest = xhrClass({ agent, exchanges });

  const sandbox: Record<string, unknown> = {};
  const context = vm.createContext(sandbox, { name: `EAS-4-TbSync ${pkg.version}` });
  const contextGlobal = vm.runInContext('globalThis', context) as object;
  const runScript = (chromeUrl: string): void => {
    vm.runInContext(pkg.read(chromeUrl), context, { filename: chromeUrl });
  };

  const TbSyncShim = strict('TbSync', {
    enabled: true,
    providers: { eas: sandbox },
    StatusData,
    EventLogInfo: class {
      constructor(
        readonly provider = '',
        readonly accountname = '',
        readonly accountID = '',
        readonly foldername = '',
      ) {}
    },
    dump: (title: string, text = '') => record('dump', `${title}: ${text}`),
    prefs: prefsBranch(prefs, 'extensions.tbsync.'),
    eventlog: strict('TbSync.eventlog', { add: (type: string, _info: unknown, message: string, details = '') => record(`eventlog.${type}`, message, details) }),
    tools: strict('TbSync.tools', {
      b64encode: (s: string) => Buffer.from(s, 'utf8').toString('base64'),
      sleep: (ms: number) => new Promise((r) => setTimeout(r, ms)),
    }),
    passwordManager: strict('TbSync.passwordManager', {
      getLoginInfo: (host: string, realm: string, user: string) => passwords.get(`${host}|${realm}|${user}`) ?? null,
      updateLoginInfo: async (host: string, realm: string, _old: string, user: string, password: string) => void passwords.set(`${host}|${realm}|${user}`, password),
      removeLoginInfos: (host: string) => {
        for (const k of [...passwords.keys()]) if (k.startsWith(`${host}|`)) passwords.delete(k);
      },
      // The user cancels the password dialog: network.js then gives up with the 401 error.
      asyncPasswordPrompt: async () => (record('passwordprompt', 'password prompt cancelled'), false),
    }),
    network: strict('TbSync.network', { createTCPErrorFromFailedXHR: () => 'network::NS_ERROR_CONNECTION_REFUSED' }),
    getString: (key: string, provider = '') => `${provider}:${key}`,
    addressbook: strict('TbSync.addressbook', { AdvancedTargetData: class {} }),
    lightning: strict('TbSync.lightning', { AdvancedTargetData: class {} }),
  });

  const modules: Record<string, object> = {
    'chrome://tbsync/content/tbsync.jsm': { TbSync: TbSyncShim },
    'resource:///modules/MailServices.jsm': { MailServices: strict('MailServices', {}) },
    'resource:///modules/OAuth2.jsm': { OAuth2: class { constructor() { throw new Error('TbSync shim: OAuth2 is not shimmed'); } } },
    'resource://gre/modules/XPCOMUtils.jsm': { XPCOMUtils: { defineLazyModuleGetters: () => {} } },
    'resource://gre/modules/NetUtil.sys.mjs': { NetUtil: strict('NetUtil', {}) },
  };
  const importModule = (url: string): object => {
    const m = modules[url];
    if (!m) throw new Error(`TbSync shim: module ${url} is not shimmed`);
    return m;
  };

  Object.assign(sandbox, {
    TbSync: TbSyncShim,
    ChromeUtils: strict('ChromeUtils', { import: importModule, importESModule: importModule }),
    Services: strict('Services', {
      prefs: strict('Services.prefs', {
        getBranch: (root: string) => prefsBranch(prefs, root),
        getDefaultBranch: (root: string) => prefsBranch(prefs, root),
      }),
      scriptloader: strict('Services.scriptloader', {
        loadSubScript: (url: string, target: object) => {
          if (NOT_LOADED.has(url)) return record('shim', `not loaded (item Sync is out of scope): ${url}`);
          if (target !== contextGlobal) throw new Error(`TbSync shim: loadSubScript(${url}) into another object than the provider namespace`);
          runScript(url);
        },
      }),
      io: strict('Services.io', {
        newURI: (spec: string) => {
          const u = new URL(spec);
          return { spec: u.href, scheme: u.protocol.replace(/:$/, ''), host: u.hostname, port: u.port === '' ? -1 : Number(u.port), hostPort: u.host };
        },
      }),
      scriptSecurityManager: strict('Services.scriptSecurityManager', { createContentPrincipal: (uri: unknown, attrs: unknown) => ({ uri, attrs }) }),
      clearData: strict('Services.clearData', { deleteDataFromOriginAttributesPattern: () => {} }),
      appinfo: { OS: 'Linux', platformVersion: '128.0', version: '128.0', name: 'Thunderbird' },
      vc: { compare: compareVersions },
    }),
    Components: strict('Components', {
      utils: strict('Components.utils', {
        Sandbox: () => ({ XMLHttpRequest }),
        reportError: (e: unknown) => record('reportError', e),
      }),
    }),
    DOMParser,
    XMLSerializer,
    XMLHttpRequest,
    TextEncoder,
    TextDecoder,
    btoa,
    atob,
    setTimeout,
    clearTimeout,
    console: { log: (...a: unknown[]) => record('console', ...a), error: (...a: unknown[]) => record('console.error', ...a), warn: (...a: unknown[]) => record('console.warn', ...a) },
  });

  // What TbSync core's providers.loadProvider does: evaluate provider.js in the namespace.
  runScript(`chrome://eas4tbsync/${TBSYNC_SCRIPTS.provider}`);
  const eas = sandbox as unknown as EasNamespace;
  for (const part of ['Base', 'network', 'sync', 'wbxmltools', 'xmltools', 'tools'] as const) {
    if (!(sandbox as Record<string, unknown>)[part]) throw new Error(`TbSync shim: eas.${part} missing after loading provider.js`);
  }

  const db = new TbSyncDatabase({
    getDefaultAccountEntries: () => eas.Base.getDefaultAccountEntries(),
    getDefaultFolderEntries: () => eas.Base.getDefaultFolderEntries(),
  });

  const toBinaryString = (body: Uint8Array): string => new TextDecoder('utf-8').decode(body);

  return {
    pkg,
    eas,
    exchanges,
    log,
    states: syncStates,
    createAccount(o: TbSyncAccountOptions): TbSyncAccount {
      // What createAccount.js's addAccount() stores for a "custom" server, plus the password.
      const data = db.addAccount({
        accountname: o.accountname ?? `easgate ${o.user}`,
        user: o.user,
        host: o.host,
        https: o.https ?? false,
        servertype: 'custom',
        asversionselected: o.asversion,
        provision: o.provision ?? false,
        ...(o.deviceId ? { deviceId: o.deviceId } : {}),
      });
      passwords.set(`TbSync#${data.accountID}|TbSync/EAS|${o.user}`, o.password);
      return {
        data,
        property: (name) => data.getAccountProperty(name),
        folders: () =>
          data.getAllFolders().map((f: FolderData) => ({
            serverID: String(f.getFolderProperty('serverID')),
            parentID: String(f.getFolderProperty('parentID')),
            foldername: String(f.getFolderProperty('foldername')),
            type: String(f.getFolderProperty('type')),
            targetType: String(f.getFolderProperty('targetType')),
          })),
      };
    },
    async syncFolderList(account: TbSyncAccount) {
      const runs: TbSyncStatus[] = [];
      let status: TbSyncStatus = new StatusData();
      for (let run = 1; run <= 3; run++) {
        const syncData = new SyncData(account.data);
        let result: StatusDataObject;
        try {
          result = await eas.Base.syncFolderList(syncData, 'sync', run);
        } catch (e) {
          result = new StatusData('warning', 'JavaScriptError', `${(e as Error).message}\n\n${(e as Error).stack ?? ''}`);
        } finally {
          syncStates.push(...syncData.states);
        }
        status = { type: result.type, message: result.message, details: result.details };
        runs.push(status);
        if (status.type === 'success') {
          account.data.removeCachedFolders();
          break;
        }
        record(`eventlog.${status.type}`, status.message, status.details);
        if (status.type !== 'account_rerun') break;
        if (run === 3) status = { type: 'error', message: 'resync-loop', details: '' };
      }
      return { status, runs };
    },
    parseWbxml(body: Uint8Array): unknown {
      const xml = eas.wbxmltools.convert2xml(toBinaryString(body));
      if (xml === false) throw new Error('TbSync could not convert the WBXML to XML');
      // Copied into this realm: objects made in the vm context have its prototypes, which deepStrictEqual tells apart.
      return JSON.parse(JSON.stringify(eas.xmltools.getDataFromXMLString(xml))) as unknown;
    },
    close(): void {
      agent.destroy();
    },
  };
}
