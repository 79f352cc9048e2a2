; Inno Setup script for 基层公开工作台 (gkdesk): the setup.exe clerks run from a USB stick.
;
; It packs the PyInstaller one-folder build in dist\gkdesk\ (made by gkdesk.spec). On Windows,
; from the repository root (see README, "Windows installer"):
;   py -m PyInstaller gkdesk.spec --noconfirm
;   iscc installer.iss                     (or: iscc /DAppVersion=x.y.z installer.iss)
; Needs Inno Setup 6.5 or later: x64compatible came with 6.3, and ChineseSimplified.isl is in
; compiler:Languages since 6.5 (before, it was an unofficial translation to download from
; https://jrsoftware.org/files/istrans/). The setup program lands in dist\installer\.
;
; The user's data (gkdesk.db, attachments, backups, logs) lives in %LOCALAPPDATA%\gkdesk, outside
; {app}: installing and upgrading never touch it, and uninstalling keeps it unless the clerk
; answers 是 to the question in [Code] below.
;
; This file is UTF-8 with a byte order mark: older Inno Setup versions read a file without one
; in the ANSI code page and would garble the Chinese text.

#define AppExe "dist\gkdesk\gkdesk.exe"

; An older compiler stops here with this message rather than on the missing language file.
#if Ver < EncodeVer(6, 5, 0)
  #pragma error "Inno Setup 6.5 or later is needed (this is " + DecodeVer(Ver) + "): compiler:Languages\ChineseSimplified.isl ships only since 6.5"
#endif

#ifndef AppVersion
  ; The version gkdesk.spec wrote into gkdesk.exe from gkdesk.__version__ (the only place the
  ; version is written); iscc /DAppVersion=x.y.z overrides it.
  #define AppVersion Str(GetStringFileInfo(AppExe, "ProductVersion"))
#endif
#if AppVersion == ""
  #error dist\gkdesk\gkdesk.exe is missing or has no version: run "py -m PyInstaller gkdesk.spec --noconfirm" first, or pass /DAppVersion=x.y.z
#endif

[Setup]
; AppId is fixed for the life of the product: upgrades find the earlier install by it.
AppId={{8C4E7E1B-52D4-4C2B-9F0A-6B1E3D5A7C21}
AppName=基层公开工作台
AppVersion={#AppVersion}
AppVerName=基层公开工作台 {#AppVersion}
AppPublisher=基层公开工作台
VersionInfoVersion={#AppVersion}
VersionInfoProductName=基层公开工作台
VersionInfoDescription=基层公开工作台 安装程序
DefaultDirName={autopf}\gkdesk
DefaultGroupName=基层公开工作台
DisableProgramGroupPage=yes
; Per-user install without administrator rights ({autopf} is then
; %LOCALAPPDATA%\Programs); the first page offers "为所有用户安装" as well.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
; The bundle is 64-bit (x64 Python and Qt); Arm64 Windows 11 runs it under emulation.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
SetupIconFile=resources\gkdesk.ico
UninstallDisplayIcon={app}\gkdesk.exe
UninstallDisplayName=基层公开工作台 {#AppVersion}
OutputDir=dist\installer
OutputBaseFilename=gkdesk-setup-{#AppVersion}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Languages]
Name: "chinesesimp"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Tasks]
Name: "desktopicon"; Description: "创建桌面快捷方式"; GroupDescription: "附加快捷方式："

[Files]
; gkdesk.exe (window), gkdesk-cli.exe (command line) and _internal\ (Python, Qt, resources).
Source: "dist\gkdesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade replaces the bundle's libraries wholesale: files a newer build no longer has must
; not linger beside the new ones.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{group}\基层公开工作台"; Filename: "{app}\gkdesk.exe"
Name: "{group}\基层公开工作台自检"; Filename: "{app}\gkdesk.exe"; Parameters: "--self-check"
Name: "{group}\卸载基层公开工作台"; Filename: "{uninstallexe}"
Name: "{autodesktop}\基层公开工作台"; Filename: "{app}\gkdesk.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\gkdesk.exe"; Description: "启动基层公开工作台"; Flags: nowait postinstall skipifsilent

[Code]
{ The data folder gkdesk.paths.default_data_dir() uses on Windows: platformdirs'
  user_data_dir("gkdesk", appauthor=False, roaming=False). A folder chosen with --data-dir or
  GKDESK_DATA_DIR is never touched. In an all-users uninstall this is the folder of the Windows
  account running the uninstaller; other accounts keep theirs. }
function DataFolder: String;
begin
  Result := ExpandConstant('{localappdata}\gkdesk');
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  Folder: String;
begin
  if CurUninstallStep <> usPostUninstall then
    Exit;
  Folder := DataFolder;
  { A silent uninstall asks nothing and keeps the data. }
  if UninstallSilent or not DirExists(Folder) then
    Exit;
  { Default button 否: keeping the data is the safe answer. }
  if MsgBox('程序已卸载。是否同时删除本机的数据文件夹？' + #13#10#13#10 +
      Folder + #13#10#13#10 +
      '其中有数据库（gkdesk.db）、附件、备份和日志，删除后无法恢复。' + #13#10 +
      '选择“否”保留数据，以后重新安装可以继续使用。',
      mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES then
  begin
    if not DelTree(Folder, True, True, True) then
      MsgBox('数据文件夹没有完全删除（可能有文件正在使用），可以稍后手动删除：' + #13#10 +
        Folder, mbInformation, MB_OK);
  end;
end;
